"""The benchmark: seed its own PostgreSQL database, serve with gunicorn, load it, report JSON.

    python manage.py bench --scale tiny|county|national [--duration S] [--users N]
                           [--workers W] [--keep-db] [--json-out FILE]

See docs/performance.md. It only ever creates, uses and drops databases named
`coproduce_bench_*`, and only sends requests to 127.0.0.1.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.pages import FLOOR, PAGES
from bench.seed import SCALES

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DB_NAME = re.compile(r"^coproduce_bench_[a-z0-9_]+$")
DEFAULT_DURATION = {"tiny": 3.0, "county": 15.0, "national": 15.0}
RATE_LIMIT_NAMES = [
    "LOGIN",
    "LOGIN_ACCOUNT",
    "JOIN_CLIENT",
    "JOIN_GLOBAL",
    "RECOVER",
    "PROPOSE",
    "SUPPORT",
    "CONCERN",
]
MARKER = "coproduce bench dataset: scale={scale}"


class Command(BaseCommand):
    help = "Benchmark Coproduce on PostgreSQL at a chosen scale and print the results as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county")
        parser.add_argument(
            "--duration", type=float, help="Seconds of measured load per page (tiny: 3, else 15)."
        )
        parser.add_argument(
            "--users", type=int, default=2, help="Simulated users at once, per page (default 2)."
        )
        parser.add_argument(
            "--workers", type=int, help="gunicorn workers (default: 2 x cores + 1)."
        )
        parser.add_argument(
            "--keep-db",
            action="store_true",
            help="Keep the database afterwards, and reuse it if it already holds this scale.",
        )
        parser.add_argument("--json-out", help="Also write the JSON to this file.")
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="Create, migrate and seed the database, keep it, and stop (for a later --keep-db).",
        )
        parser.add_argument(
            "--postgres",
            default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
            help="PostgreSQL server (no database name); default $BENCH_POSTGRES_URL or "
            + DEFAULT_POSTGRES,
        )
        parser.add_argument("--db-name", help="Default coproduce_bench_<scale>.")
        parser.add_argument(
            "--pages",
            nargs="+",
            metavar="PAGE",
            choices=[page.name for page in PAGES],
            help="Load only these pages (and the floor, which every ratio needs).",
        )
        parser.add_argument("--max-requests", type=int, default=20_000, help=argparse_hidden())
        # Internal steps, run in a child process against the bench database.
        parser.add_argument(
            "--explain",
            metavar="PAGE",
            choices=[page.name for page in PAGES if page.method == "GET"],
            help="Instead of the load: EXPLAIN ANALYZE every query of one page, slowest first.",
        )
        parser.add_argument(
            "--step", choices=["seed", "plan", "cleanup", "explain"], help=argparse_hidden()
        )
        parser.add_argument("--out", help=argparse_hidden())

    def handle(self, *args, **options):
        if options["step"]:
            return self.child_step(options)
        return Bench(self, options).run()

    # --- Steps run inside the bench database's environment -----------------------------

    def child_step(self, options):
        from django.db import connection

        if not DB_NAME.match(connection.settings_dict["NAME"] or ""):
            raise CommandError(
                "Internal bench steps run only against a coproduce_bench_* database."
            )
        if options["step"] == "seed":
            from bench import seed

            result = seed.seed(SCALES[options["scale"]], check_foreign_keys=False)
            started = time.monotonic()
            seed.analyse()
            data = {
                "seconds": result.seconds,
                "analyse_seconds": round(time.monotonic() - started, 1),
                "counts": seed.table_counts(),
            }
        elif options["step"] == "explain":
            from bench import plan
            from bench.pages import PAGES_BY_NAME

            targets = plan.pick_targets(young_users=1)
            data = {"plans": plan.explain(targets, PAGES_BY_NAME[options["explain"]])}
        elif options["step"] == "cleanup":
            from bench.plan import BENCH_IDEA_PREFIX
            from feedback.models import Proposal

            deleted, _ = Proposal.objects.filter(title__startswith=BENCH_IDEA_PREFIX).delete()
            data = {"deleted": deleted}
        else:
            from bench import plan

            targets = plan.pick_targets(young_users=options["users"])
            queries = plan.count_queries(targets)
            from bench.seed import table_counts

            data = {
                "counts": table_counts(),
                "targets": targets,
                "queries": queries,
                "participant_cookie": settings.PARTICIPANT_COOKIE_NAME,
            }
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                data["postgresql"] = cursor.fetchone()[0]
        Path(options["out"]).write_text(json.dumps(data, indent=2, default=str))


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    """One run: database, seed, static files, plan, gunicorn, load, report, clean-up."""

    def __init__(self, command: BaseCommand, options: dict):
        self.command = command
        self.options = options
        self.scale = options["scale"]
        self.db_name = options["db_name"] or f"coproduce_bench_{self.scale}"
        if not DB_NAME.match(self.db_name):
            raise CommandError(
                f"Refusing to use database {self.db_name!r}: the benchmark only touches "
                "databases named coproduce_bench_*."
            )
        server = urlsplit(options["postgres"])
        if server.scheme not in ("postgres", "postgresql") or server.path not in ("", "/"):
            raise CommandError("--postgres is a server URL without a database name.")
        self.server = server
        self.duration = options["duration"] or DEFAULT_DURATION[self.scale]
        self.users = max(1, options["users"])
        self.only = set(options.get("pages") or [])
        self.workers = options["workers"] or 2 * (os.cpu_count() or 1) + 1
        self.base_dir = Path(settings.BASE_DIR)
        self.tmp = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
        self.timings: dict[str, float] = {}

    def log(self, message: str) -> None:
        self.command.stderr.write(f"[bench] {message}")

    def url(self, database: str) -> str:
        return urlunsplit(self.server._replace(path=f"/{database}"))

    # --- PostgreSQL --------------------------------------------------------------

    def admin_connection(self):
        import psycopg2

        conn = psycopg2.connect(self.url("postgres"))
        conn.autocommit = True
        return conn

    def prepare_database(self) -> bool:
        """Creates the bench database; returns True if a kept one already holds this scale."""
        conn = self.admin_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = %s",
                    [self.db_name],
                )
                row = cur.fetchone()
                marker = MARKER.format(scale=self.scale)
                if row and self.options["keep_db"] and row[0] == marker:
                    self.log(f"reusing database {self.db_name} ({marker})")
                    return True
                if row:
                    self.log(f"dropping database {self.db_name}")
                    cur.execute(f'DROP DATABASE "{self.db_name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{self.db_name}"')
        finally:
            conn.close()
        return False

    def mark_database(self) -> None:
        conn = self.admin_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    f'COMMENT ON DATABASE "{self.db_name}" IS %s',
                    [MARKER.format(scale=self.scale)],
                )
        finally:
            conn.close()

    def drop_database(self) -> None:
        conn = self.admin_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        finally:
            conn.close()

    # --- Child processes -----------------------------------------------------------

    def env(self, *, for_test_client: bool = False) -> dict:
        """Production settings: no DEBUG, a fresh secret, the bench database, WhiteNoise."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "RATE_LIMIT_", "COPRODUCE_"))
            and k not in ("DATABASE_URL", "REDIS_URL")
        }
        if not hasattr(self, "secret"):
            self.secret = secrets.token_urlsafe(50)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "coproduce.settings",
                "DJANGO_SECRET_KEY": self.secret,
                "DATABASE_URL": self.url(self.db_name),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver" if for_test_client else "127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_HSTS_SECONDS": "0",
                "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
                "DJANGO_LOG_LEVEL": "WARNING",
                "COPRODUCE_TOOLS": "bench",
                "COPRODUCE_BENCH_FLOOR": "1",
                # The benchmark's young people propose and support far more than a person may.
                "COPRODUCE_PROPOSALS_PER_DAY": "100000000",
                **{f"RATE_LIMIT_{name}": "100000000/s" for name in RATE_LIMIT_NAMES},
            }
        )
        return env

    def manage(self, *args: str, for_test_client: bool = False) -> None:
        cmd = [sys.executable, str(self.base_dir / "manage.py"), *args]
        result = subprocess.run(  # noqa: S603 - our own manage.py
            cmd, env=self.env(for_test_client=for_test_client), cwd=self.base_dir, check=False
        )
        if result.returncode:
            raise CommandError(f"`manage.py {' '.join(args)}` failed ({result.returncode}).")

    def timed(self, name: str, fn, *args, **kwargs):
        started = time.monotonic()
        self.log(f"{name}...")
        value = fn(*args, **kwargs)
        self.timings[name] = round(time.monotonic() - started, 1)
        return value

    # --- The run --------------------------------------------------------------------

    def run(self):
        gunicorn = None
        try:
            reused = self.timed("create database", self.prepare_database)
            self.timed("migrate", self.manage, "migrate", "--noinput", "-v0")
            seed_out = self.tmp / "seed.json"
            if reused:
                seed_info = {"reused": True}
            else:
                self.timed(
                    "seed", self.manage, "bench", "--step", "seed", "--scale", self.scale,
                    "--out", str(seed_out),
                )  # fmt: skip
                seed_info = json.loads(seed_out.read_text())
                self.mark_database()
            if self.options["seed_only"]:
                self.options["keep_db"] = True
                self.command.stdout.write(json.dumps(seed_info, indent=2))
                return
            self.timed("collectstatic", self.manage, "collectstatic", "--noinput", "-v0")
            if self.options["explain"]:
                return self.explain()
            plan_out = self.tmp / "plan.json"
            self.timed(
                "plan and count queries", self.manage, "bench", "--step", "plan",
                "--scale", self.scale, "--users", str(self.users), "--out", str(plan_out),
                for_test_client=True,
            )  # fmt: skip
            planned = json.loads(plan_out.read_text())
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            gunicorn = self.timed("start gunicorn", self.start_gunicorn, port)
            load_plan = self.load_plan(planned, base_url)
            load_plan_path = self.tmp / "load-plan.json"
            load_plan_path.write_text(json.dumps(load_plan, indent=2))
            load_out = self.tmp / "load.json"
            self.timed("load", self.run_driver, load_plan_path, load_out)
            load = json.loads(load_out.read_text())
        finally:
            if gunicorn is not None:
                self.stop_gunicorn(gunicorn)
                if self.options["keep_db"]:
                    # The ideas the run posted would swell the next run's pages.
                    self.manage(
                        "bench", "--step", "cleanup", "--out", str(self.tmp / "cleanup.json")
                    )
            if not self.options["keep_db"]:
                self.drop_database()
            shutil.rmtree(self.tmp, ignore_errors=True)
        result = self.report(seed_info, planned, load_plan, load)
        text = json.dumps(result, indent=2)
        self.command.stdout.write(text)
        if self.options["json_out"]:
            out = Path(self.options["json_out"])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n")
        failures = {
            name: page.get("failures") or 0
            for name, page in result["pages"].items()
            if page.get("failures") or (page.get("status") or 0) >= 400
        }
        if failures:
            raise CommandError(f"Some requests failed: {failures}")

    def explain(self) -> None:
        out = self.tmp / "explain.json"
        self.manage(
            "bench", "--step", "explain", "--explain", self.options["explain"],
            "--out", str(out), for_test_client=True,
        )  # fmt: skip
        for item in json.loads(out.read_text())["plans"]:
            self.command.stdout.write(f"-- {item['seconds'] * 1000:.1f} ms\n{item['sql']}\n")
            self.command.stdout.write(item["plan"] + "\n")

    def load_plan(self, planned: dict, base_url: str) -> dict:
        from bench.plan import page_path

        targets = planned["targets"]
        pages = []
        for page in PAGES:
            if self.only and page.name not in self.only | {FLOOR}:
                continue
            counted = planned["queries"].get(page.name, {})
            entry = page.as_dict()
            entry["available"] = counted.get("available", False)
            entry["queries"] = counted.get("queries")
            entry["queries_status"] = counted.get("status")
            entry["why"] = counted.get("why")
            entry["paths"] = [page_path(page, targets)]
            entry["path_template"] = page_path(page, targets, proposal="{proposal}")
            pages.append(entry)
        return {
            "base_url": base_url,
            "users": self.users,
            "duration": self.duration,
            "warmup": min(2.0, max(0.5, self.duration * 0.1)),
            # The floor measured just before and just after each page with a ratio target.
            "floor_beside_seconds": max(1.0, self.duration / 3),
            "max_requests": self.options["max_requests"],
            "participant_cookie": planned["participant_cookie"],
            "targets": targets,
            "pages": pages,
        }

    def start_gunicorn(self, port: int) -> subprocess.Popen:
        cmd = [
            sys.executable, "-m", "gunicorn", "coproduce.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--log-level", "warning", "--timeout", "60",
        ]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - our own app server
            cmd, env=self.env(), cwd=self.base_dir, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError("gunicorn stopped while starting.")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/bench/floor/", timeout=5
                ) as response:
                    if response.status == 200:
                        return process
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop_gunicorn(process)
        raise CommandError("gunicorn did not answer within 60 s.")

    def stop_gunicorn(self, process: subprocess.Popen) -> None:
        if process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def run_driver(self, plan_path: Path, out_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        result = subprocess.run(  # noqa: S603 - our own driver
            [sys.executable, "-m", "bench.load", str(plan_path), str(out_path)],
            cwd=self.base_dir,
            env=env,
            check=False,
            timeout=3600,
        )
        if result.returncode:
            raise CommandError(f"The load driver failed ({result.returncode}).")

    def report(self, seed_info: dict, planned: dict, load_plan: dict, load: dict) -> dict:
        from bench import report

        pages = report.pages_report(load_plan["pages"], load)
        return {
            "scale": self.scale,
            "scale_spec": SCALES[self.scale].as_dict(),
            "dataset": planned.get("counts") or seed_info.get("counts"),
            "dataset_reused": bool(seed_info.get("reused")),
            "seed_seconds": seed_info.get("seconds"),
            "machine": report.machine(),
            "software": report.software(planned.get("postgresql", "")),
            "run": {
                "users_per_page": self.users,
                "seconds_per_page": self.duration,
                "warmup_seconds": load_plan["warmup"],
                "floor_beside_seconds": load_plan["floor_beside_seconds"],
                "gunicorn_workers": self.workers,
                "young_identity": load.get("young_identity"),
                "club": planned["targets"]["club"],
                "partner": planned["targets"]["partner"],
                "window": [planned["targets"]["start"], planned["targets"]["end"]],
                "step_seconds": self.timings,
            },
            "pages": pages,
            "page_weight": {"young_club_page": load.get("page_weight")},
            "targets": report.targets(self.scale, pages, load.get("page_weight")),
        }
