"""The inventory map's endpoint at full size, in-process on PostgreSQL (a quick check of the
issue's goal: whole-France zoom with 100,000 actors, p95 ≤ 80 ms and ≤ 150 KB gzipped).

Run on its own (``python bench/inventory_map_bench.py --postgres postgres://user@host:5432``),
never by the test suite. The script creates its own database (``--database``, default
``ocim_bench_map``), migrates it, loads the regions and departments, bulk-inserts ``--actors``
actors (default 100,000) around the communes' points (more where more people live, every type,
a tenth closed), runs VACUUM ANALYZE as autovacuum would, then asks each URL ``--requests``
times through Django's test client (the whole middleware stack, no HTTP server) after a
warm-up, and prints p50/p95/max, the body's size raw and gzipped, the features and the queries.
The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registration_bench import (  # noqa: E402  (needs the path above)
    database_drop,
    database_recreate,
    database_url,
    django_setup,
    postgres_version,
)

GEO = ROOT / "ocim" / "core" / "data" / "geo-fr"
SENTENCES = [
    "<p>Lieu de culture scientifique ouvert à tous les publics, de la petite enfance aux adultes.",
    "Ses collections de sciences naturelles comptent plusieurs milliers de spécimens.",
    "Un planétarium numérique accueille les scolaires et les familles tout au long de l'année.",
    "Des ateliers de médiation sont proposés pendant les vacances et la Fête de la science.",
    "L'équipe travaille avec les laboratoires de l'université et les associations du territoire.",
    "Le jardin présente des serres tropicales et un arboretum remarquable.</p>",
    "Les expositions temporaires abordent la santé, le climat et les techniques d'hier à demain.",
    "Un centre de ressources documentaires est ouvert aux enseignants et aux chercheurs.",
]
# (label, path and query, goal in ms or None)
SCENARIOS = [
    (
        "France, zoom 6 (1280×900 view)",
        "/api/v1/inventory/map/?bbox=-11.5,39.5,16.5,52.5&zoom=6",
        80,
    ),
    ("France, zoom 5", "/api/v1/inventory/map/?bbox=-25,33,32,58&zoom=5", 80),
    (
        "France, zoom 6, family=musees",
        "/api/v1/inventory/map/?bbox=-11.5,39.5,16.5,52.5&zoom=6&family=musees",
        80,
    ),
    (
        "France, zoom 6, region=84&status=open",
        "/api/v1/inventory/map/?bbox=-11.5,39.5,16.5,52.5&zoom=6&region=84&status=open",
        80,
    ),
    ("World, zoom 2", "/api/v1/inventory/map/?bbox=-180,-85,180,85&zoom=2", 80),
    ("Paris, zoom 12", "/api/v1/inventory/map/?bbox=2.2,48.80,2.5,48.92&zoom=12", None),
    ("Lyon, zoom 15", "/api/v1/inventory/map/?bbox=4.82,45.75,4.86,45.77&zoom=15", None),
    ("Choropleth, regions", "/api/v1/inventory/map/choropleth/?level=region", None),
    ("Choropleth, departments", "/api/v1/inventory/map/choropleth/?level=department", None),
    ("Map page (HTML, both tables)", "inventory:map", None),  # a URL name: translated paths
]


def seed(actors: int, rng: random.Random) -> float:
    from django.db import connection

    from ocim.core.models import Department, Region
    from ocim.inventory.map_grid import map_cell
    from ocim.inventory.models import Actor, ActorType

    with open(GEO / "regions.csv", encoding="utf-8") as file:
        Region.objects.bulk_create(
            Region(code=row["code"], name=row["name"], population=int(row["population"] or 0))
            for row in csv.DictReader(file)
        )
    with open(GEO / "departements.csv", encoding="utf-8") as file:
        Department.objects.bulk_create(
            Department(
                code=row["code"],
                name=row["name"],
                region_id=row["region_code"],
                population=int(row["population"] or 0),
            )
            for row in csv.DictReader(file)
        )
    with open(GEO / "communes.csv", encoding="utf-8") as file:
        communes = [
            row for row in csv.DictReader(file) if row["latitude"] and row["departement_code"]
        ]
    weights = [(int(row["population"] or 0) + 200) ** 0.7 for row in communes]
    types = list(ActorType.objects.values_list("pk", "family_id"))
    started = time.perf_counter()
    batch = []
    chosen = rng.choices(communes, weights=weights, k=actors)
    for index, commune in enumerate(chosen):
        latitude = float(commune["latitude"]) + rng.uniform(-0.01, 0.01)
        longitude = float(commune["longitude"]) + rng.uniform(-0.01, 0.01)
        type_id, family_id = rng.choice(types)
        closed = rng.random() < 0.1
        batch.append(
            Actor(
                name=f"Acteur {index} de {commune['name']}",
                slug=f"acteur-{index}",
                # Rows as wide as real ones: the table's size decides the plans.
                other_names=f"AC{index}",
                street=f"{rng.randint(1, 120)} rue des Sciences",
                postal_code=commune["postal_codes"][:5],
                website=f"https://acteur-{index}.example.org/",
                email=f"contact@acteur-{index}.example.org",
                phone="03 80 00 00 00",
                description=" ".join(rng.sample(SENTENCES, 4)),
                type_id=type_id,
                family_id=family_id,
                department_id=commune["departement_code"],
                region_id=commune["region_code"],
                latitude=latitude,
                longitude=longitude,
                map_cell=map_cell(latitude, longitude),
                status="closed" if closed else "open",
                closed_year=2010 if closed else None,
            )
        )
        if len(batch) == 5000:
            Actor.objects.bulk_create(batch)
            batch = []
    if batch:
        Actor.objects.bulk_create(batch)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inventory_actor")
    return elapsed


def _backend_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the PostgreSQL backend ``pid`` has used (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(requests: int) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    results = []
    from django.urls import reverse
    from django.utils import translation

    for label, url, goal in SCENARIOS:
        if not url.startswith("/"):
            with translation.override("fr"):
                url = reverse(url)
        for _ in range(20):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        timings = []
        # CPU time of this process and of its database backend: what a request costs on a
        # quiet machine, whatever else runs on this one (wall times include waiting for a CPU).
        cpu_started, backend_started = time.process_time(), _backend_cpu_seconds(backend)
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        app_cpu = (time.process_time() - cpu_started) * 1000 / requests
        db_cpu = (_backend_cpu_seconds(backend) - backend_started) * 1000 / requests
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        body = response.content
        data = response.json() if "json" in response["Content-Type"] else {}
        timings.sort()
        results.append(
            {
                "label": label,
                "p50": statistics.median(timings),
                "p95": timings[int(len(timings) * 0.95) - 1],
                "max": timings[-1],
                "raw_kb": len(body) / 1024,
                "gzip_kb": len(gzip.compress(body, 6)) / 1024,
                "features": len(data.get("features", data.get("areas", []))),
                "total": data.get("total"),
                "mode": data.get("mode", "-"),
                "queries": len(queries.captured_queries),
                "app_cpu": app_cpu,
                "db_cpu": db_cpu,
                "goal": goal,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="ocim_bench_map")
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a --keep run left"
    )
    arguments = parser.parse_args()

    if not arguments.reuse:
        database_recreate(arguments.postgres, arguments.database)
    try:
        django_setup(
            {
                "DJANGO_SETTINGS_MODULE": "ocim.settings.bench",
                "DATABASE_URL": database_url(arguments.postgres, arguments.database),
                "REDIS_URL": "",
            }
        )
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if arguments.reuse:
            from ocim.inventory.models import Actor

            seeded = f"{Actor.objects.count():,} actors (reused)"
        else:
            inserted = seed(arguments.actors, random.Random(arguments.seed))
            seeded = f"{arguments.actors:,} actors bulk-inserted in {inserted:.1f} s"
        print(
            f"PostgreSQL {postgres_version(arguments.postgres)}; {seeded}; "
            f"{arguments.requests} requests per URL"
        )
        failed = False
        print(
            f"{'URL':42} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'raw KB':>7} {'gzip KB':>7}"
            f" {'feat.':>6} {'total':>7} {'mode':>8} {'SQL':>4} {'CPU app+db ms':>14}"
        )
        for row in measure(arguments.requests):
            missed = row["goal"] is not None and (row["p95"] > row["goal"] or row["gzip_kb"] > 150)
            failed |= missed
            print(
                f"{row['label']:42} {row['p50']:7.1f} {row['p95']:7.1f} {row['max']:7.1f} "
                f"{row['raw_kb']:7.1f} {row['gzip_kb']:7.1f} {row['features']:6} "
                f"{row['total'] or 0:7} {row['mode']:>8} {row['queries']:4} "
                f"{row['app_cpu']:6.1f} + {row['db_cpu']:5.1f}"
                + ("  GOAL MISSED" if missed else "")
            )
        if failed:
            raise SystemExit(1)
    finally:
        if not arguments.keep:
            from django.db import connections

            connections.close_all()
            database_drop(arguments.postgres, arguments.database)


if __name__ == "__main__":
    main()
