#!/usr/bin/python3
"""Creates, idempotently, what the test cloud of tests/scripts/openstack.sh needs in Keystone.

The 'service' project; one service user per name in --service-users (role admin in 'service', so each can
validate tokens, send service tokens, and act as the gateway's administrator); the 'demo' project and user
(role member); and a service with a public, internal and admin endpoint per --endpoint TYPE=NAME=URL.

Usage: openstack-accounts.py --auth-url URL --admin-password-file F --service-password-file F
                             --demo-password-file F [--service-users cinder,nova] [--endpoint TYPE=NAME=URL]...
One process with one admin session: much quicker than a CLI call per object.
"""
import argparse
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

REGION = "RegionOne"


def read(path):
    with open(path) as f:
        return f.read().strip()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--auth-url", required=True)
    p.add_argument("--admin-password-file", required=True)
    p.add_argument("--service-password-file", required=True)
    p.add_argument("--demo-password-file", required=True)
    p.add_argument("--service-users", default="")
    p.add_argument("--endpoint", action="append", default=[], metavar="TYPE=NAME=URL")
    a = p.parse_args()

    auth = v3.Password(auth_url=a.auth_url, username="admin", password=read(a.admin_password_file),
                       project_name="admin", user_domain_name="Default", project_domain_name="Default")
    ks = client.Client(session=session.Session(auth=auth, timeout=30))
    domain = ks.domains.get("default")
    roles = {r.name: r for r in ks.roles.list()}
    for name in ("admin", "member", "reader", "service"):
        if name not in roles:
            roles[name] = ks.roles.create(name=name)

    def project(name, description):
        for pr in ks.projects.list(domain=domain, name=name):
            return pr
        return ks.projects.create(name=name, domain=domain, description=description)

    def user(name, password, proj, role):
        found = [u for u in ks.users.list(domain=domain, name=name)]
        u = found[0] if found else ks.users.create(name=name, domain=domain, password=password,
                                                   default_project=proj)
        if found:
            ks.users.update(u, password=password)
        ks.roles.grant(roles[role], user=u, project=proj)
        return u

    service = project("service", "service users")
    for name in filter(None, a.service_users.split(",")):
        u = user(name, read(a.service_password_file), service, "admin")
        ks.roles.grant(roles["service"], user=u, project=service)
    demo = project("demo", "the cloud user of the end-to-end tests")
    user("demo", read(a.demo_password_file), demo, "member")

    for spec in a.endpoint:
        stype, name, url = spec.split("=", 2)
        services = [s for s in ks.services.list(type=stype) if s.name == name]
        svc = services[0] if services else ks.services.create(name=name, type=stype)
        have = {e.interface: e for e in ks.endpoints.list(service=svc)}
        for interface in ("public", "internal", "admin"):
            if interface in have:
                if have[interface].url != url:
                    ks.endpoints.update(have[interface], url=url)
            else:
                ks.endpoints.create(service=svc, url=url, interface=interface, region=REGION)
    print("accounts: service project, users %s, demo project and user, %d services" % (
        a.service_users or "-", len(a.endpoint)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
