"""``khaos-sync check`` on the cloud transport: what to enter in Khaos Control Cloud.

There is no Khaos service to ask: Khaos Control Cloud calls the shop. So the
check says what the channel's settings in Khaos Control Cloud must hold (the
configuration URL and the user name; the password is never printed) and
whether the shop is ready to be called: credentials set, a public address to
build the URLs from, HTTPS for Basic auth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from khaos_sync.cli.check import Verdict, payment_verdict, print_table
from khaos_sync.cloud.channel import ChannelSettings, channel_settings


def cloud_verdicts(config: Mapping[str, Any], site_url: str) -> list[Verdict]:
    cloud = config["cloud"]
    credentials = bool(cloud["username"]) and bool(cloud["password"])
    verdicts = [
        Verdict(
            "channel credentials ([cloud])",
            f"user {cloud['username']!r}" if cloud["username"] else "(no user name)",
            "user name and password set" if credentials else "set username and password",
            credentials,
        ),
    ]
    if not site_url:
        verdicts.append(
            Verdict("public address ([shop] site_url)", "(empty)", "set it: URLs need it", False)
        )
    else:
        secure = site_url.lower().startswith("https://")
        found = "HTTPS" if secure else "not HTTPS: Basic auth would send the password in clear"
        verdicts.append(Verdict("public address ([shop] site_url)", site_url, found, secure))
    return verdicts


def print_instructions(channel: ChannelSettings) -> None:
    click.echo("\nIn Khaos Control Cloud, in the channel's settings, enter:")
    click.echo(f"  Configuration URL: {channel.config_url}")
    click.echo(f"  User name:         {channel.username or '(set [cloud] username first)'}")
    click.echo("  Password:          the [cloud] password (KHAOS_SYNC_CLOUD_PASSWORD; not shown)")
    if not channel.site_url_set:
        click.echo("  (set [shop] site_url to the shop's public address to get the exact URL)")


def check_cloud(config: Mapping[str, Any], site_url: str) -> int:
    """Print the verdicts and the channel settings; the number of failed checks."""
    verdicts = cloud_verdicts(config, site_url)
    verdicts.append(payment_verdict(config["payments"], site_url))
    print_table(verdicts)
    print_instructions(channel_settings(config, site_url))
    failed = sum(not v.passed for v in verdicts)
    click.echo(f"\n{len(verdicts) - failed} passed, {failed} failed")
    return failed
