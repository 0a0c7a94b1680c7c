"""The people bench/load.py simulates: each signs in through the sign-in page as one of the
seeded people, then opens their dashboards and home page until the run ends.

Read by Locust (`locust -f bench/_locustfile.py`), started by bench/load.py, which passes
the people (FIDELIS_LOAD_PEOPLE, a JSON file), their password and where to keep the
times (FIDELIS_LOAD_TIMES): each sign-in, each first visit of a page on arrival, and each
page request once all have arrived."""

import itertools
import json
import os
import random
import re
import time

from locust import FastHttpUser, between, events, task

PEOPLE = json.loads(open(os.environ["FIDELIS_LOAD_PEOPLE"]).read())  # noqa: SIM115
PASSWORD = os.environ["FIDELIS_LOAD_PASSWORD"]
SECONDS = float(os.environ.get("FIDELIS_LOAD_SECONDS", "60"))  # measured, once all are in
NEXT = itertools.count()
SIGN_INS: list[dict] = []
REQUESTS: list[tuple[str, float, bool]] = []  # (page, milliseconds, succeeded)
FIRST_VISITS: list[tuple[str, float, bool]] = []  # each page's first visit, on arrival
ARRIVED: list[str] = []
SIGNING_IN = {"sign-in page", "sign in"}
MEASURED_FROM = [0.0]  # when the last person had arrived
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# How often each kind of page is opened, relative to the others.
WEIGHTS = {
    "team dashboard": 3,
    "programme dashboard": 3,
    "programme dashboard, page 2": 1,
    "programme dashboard, by an item": 1,
    "home": 1,
}


class Person(FastHttpUser):
    # FastHttpUser (geventhttpclient) rather than HttpUser (requests): Locust shares the
    # two cores with the server, and this client spends several times less CPU a request.
    wait_time = between(1, 3)

    def on_start(self):
        n = next(NEXT)
        self.person = PEOPLE[n % len(PEOPLE)]
        # Each person arrives from an address of their own, through the (trusted) proxy.
        self.headers = {"X-Forwarded-For": f"10.20.{n // 250}.{n % 250 + 1}"}
        self.pages = [
            (name, url)
            for name, url in self.person["pages"].items()
            for _ in range(WEIGHTS.get(name, 1))
        ]
        started = time.perf_counter()
        form = self.client.get("/accounts/login/", name="sign-in page", headers=self.headers)
        token = CSRF.search(form.text)
        ok = False
        if token:
            with self.client.post(
                "/accounts/login/",
                data={
                    "login": self.person["username"],
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1),
                },
                headers={**self.headers, "Referer": self.host + "/accounts/login/"},
                name="sign in",
                catch_response=True,
            ) as response:
                ok = response.status_code == 200 and not response.url.endswith("/accounts/login/")
                if not ok:
                    response.failure(f"sign-in failed for {self.person['username']}")
        SIGN_INS.append(
            {
                "user": self.person["username"],
                "ms": (time.perf_counter() - started) * 1000,
                "ok": ok,
            }
        )
        # On arrival, each page once: what a first visit draws (a team's dashboard body,
        # its charts) is drawn now, as it is for anyone who has used Fidelis before.
        for name, url in self.person["pages"].items():
            self.client.get(url, name=f"first visit: {name}", headers=self.headers)
        ARRIVED.append(self.person["username"])
        if len(ARRIVED) == self.environment.runner.target_user_count:
            measure_from_here()

    @task
    def open_a_page(self):
        if MEASURED_FROM[0] and time.time() - MEASURED_FROM[0] >= SECONDS:
            self.environment.runner.quit()  # the measured run is over
            return
        name, url = random.choice(self.pages)
        with self.client.get(url, name=name, catch_response=True, headers=self.headers) as response:
            if response.status_code != 200:
                response.failure(f"{url}: HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{url}: sent to sign in")


@events.request.add_listener
def keep(request_type, name, response_time, exception, **kwargs):
    if name in SIGNING_IN:
        return
    if name.startswith("first visit: "):
        FIRST_VISITS.append((name.removeprefix("first visit: "), response_time, exception is None))
    else:
        REQUESTS.append((name, response_time, exception is None))


def measure_from_here():
    """Everyone has arrived: the measured run starts now."""
    REQUESTS.clear()
    MEASURED_FROM[0] = time.time()


@events.quitting.add_listener
def keep_times(environment, **kwargs):
    with open(os.environ["FIDELIS_LOAD_TIMES"], "w") as out:
        json.dump(
            {
                "sign_ins": SIGN_INS,
                "requests": REQUESTS,
                "first_visits": FIRST_VISITS,
                "measured_seconds": time.time() - MEASURED_FROM[0] if MEASURED_FROM[0] else 0,
            },
            out,
        )
