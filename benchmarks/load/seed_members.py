"""Seed the load test's members quickly: accounts, profiles, orders, tickets and activity.

Run after ``seed_demo`` (which makes the pages, the privacy setup and the privacy officer):
``python benchmarks/load/seed_members.py 500``. Rows are written with ``bulk_create``; every
member gets the same password, hashed once with the site's own hasher. Members have not yet
acknowledged the privacy notice, so their first login passes the consent step.
"""

import os
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from example_site.portal.models import MemberProfile, Order, OrderLine, SupportTicket  # noqa: E402
from wagtail_gdpr.models import MemberActivity  # noqa: E402

PASSWORD = "load-test-member"  # noqa: S105 (a fictional member's password, as the docs say)
PREFIX = "loadmember"
FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sara",
    "Nils",
    "Ingrid",
    "Olof",
    "Elin",
    "Gustav",
    "Linnea",
    "Oskar",
    "Maja",
    "Axel",
    "Frida",
    "Emil",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Holm",
]
CITIES = [
    ("Uppsala", "753 20"),
    ("Göteborg", "411 05"),
    ("Malmö", "211 22"),
    ("Stockholm", "113 51"),
    ("Umeå", "903 26"),
    ("Lund", "222 21"),
]
STREETS = ["Storgatan", "Kungsvägen", "Drottninggatan", "Skolgatan", "Järnvägsgatan"]
PRODUCTS = [
    ("Wool socks", "119.00"),
    ("Rain jacket", "1299.00"),
    ("Teapot", "349.00"),
    ("Thermos, 0.75 l", "329.00"),
    ("Hiking map", "189.00"),
    ("Beanie", "249.00"),
]
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def username(n: int) -> str:
    return f"{PREFIX}{n:05d}"


def seed(count: int, seed_value: int = 15) -> None:
    rng = random.Random(seed_value)
    User = get_user_model()
    now = timezone.now()
    User.objects.filter(username__startswith=PREFIX).delete()
    password = make_password(PASSWORD)
    users = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        users.append(
            User(
                username=username(n),
                password=password,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{n}@example.com".lower(),
                date_joined=now - timedelta(days=rng.randint(30, 2000)),
            )
        )
    with transaction.atomic():
        users = User.objects.bulk_create(users, batch_size=1000)
        profiles, orders, tickets, activity = [], [], [], []
        for n, user in enumerate(users):
            city, postcode = rng.choice(CITIES)
            street = f"{rng.choice(STREETS)} {rng.randint(1, 80)}"
            profiles.append(
                MemberProfile(
                    user=user,
                    phone=f"+46 70 174 06 {rng.randint(0, 99):02d}",
                    street_address=street,
                    postcode=postcode,
                    city=city,
                    birth_date=date(
                        rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                )
            )
            for k in range(rng.randint(0, 4)):
                orders.append(
                    Order(
                        customer=user,
                        reference=f"LT-{n:05d}-{k}",
                        email=user.email,
                        shipping_address=f"{user.first_name} {user.last_name}\n{street}\n"
                        f"{postcode} {city}",
                        total=Decimal("0"),
                        created_at=now - timedelta(days=rng.randint(1, 2000)),
                    )
                )
            for _ in range(rng.randint(0, 2)):
                tickets.append(
                    SupportTicket(
                        owner=user,
                        subject="Question about my order",
                        message="When will my parcel arrive? It has been a week.",
                        created_at=now - timedelta(days=rng.randint(1, 300)),
                    )
                )
            for _ in range(rng.randint(5, 20)):
                activity.append(
                    MemberActivity(
                        user=user,
                        kind=MemberActivity.LOGIN,
                        user_agent=AGENT,
                        ip_address=f"192.0.2.{rng.randint(0, 255)}",
                    )
                )
        MemberProfile.objects.bulk_create(profiles, batch_size=1000)
        orders = Order.objects.bulk_create(orders, batch_size=1000)
        lines = []
        for order in orders:
            for _ in range(rng.randint(1, 3)):
                product, price = rng.choice(PRODUCTS)
                lines.append(
                    OrderLine(
                        order=order,
                        product_name=product,
                        quantity=rng.randint(1, 3),
                        unit_price=Decimal(price),
                        created_at=order.created_at,
                    )
                )
        OrderLine.objects.bulk_create(lines, batch_size=1000)
        SupportTicket.objects.bulk_create(tickets, batch_size=1000)
        MemberActivity.objects.bulk_create(activity, batch_size=2000)
    print(
        f"seeded {len(users)} members, {len(orders)} orders, {len(lines)} order lines, "
        f"{len(tickets)} tickets, {len(activity)} activity entries"
    )


if __name__ == "__main__":
    seed(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
