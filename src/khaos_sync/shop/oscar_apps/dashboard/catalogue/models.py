from oscar.apps.dashboard.catalogue.models import * 
