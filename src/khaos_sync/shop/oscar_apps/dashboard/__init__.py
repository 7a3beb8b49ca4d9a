"""Oscar's dashboard, forked so its catalogue sub-app can be forked (Oscar's rule)."""
