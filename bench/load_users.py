"""Locust users of `bench_load.py` (a separate file: importing locust monkey-patches the process with gevent).

Each simulated committee member holds the session `bench_load.py` opened for it (COPIL_BENCH_SESSION) and,
after a think time of 0.5 to 1.5 s, opens the dashboard, a map layer or the bilan page of one of the plans
(COPIL_BENCH_PLANS), for the whole plan or for one year.
"""

import os
import random

from locust import HttpUser, between, task

PLANS = os.environ.get("COPIL_BENCH_PLANS", "alencon").split(",")
PERIODS = ("depuis-le-debut", "2023")
LAYERS = ("points-de-deal", "cameras", "observations")


class CommitteeMember(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", os.environ["COPIL_BENCH_SESSION"])

    def _get(self, path: str, name: str, **params: str) -> None:
        with self.client.get(path, params=params, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(3)
    def dashboard(self) -> None:
        plan = random.choice(PLANS)
        self._get(f"/plans/{plan}/", "dashboard", periode=random.choice(PERIODS))

    @task(3)
    def map_layer(self) -> None:
        plan = random.choice(PLANS)
        layer = random.choice(LAYERS)
        self._get(
            f"/plans/{plan}/carte/couches.geojson", f"map layer {layer}", couche=layer, periode=random.choice(PERIODS)
        )

    @task(2)
    def bilan(self) -> None:
        plan = random.choice(PLANS)
        self._get(f"/plans/{plan}/bilan/", "bilan page", periode=random.choice(PERIODS))
