"""The web surface: the Vietnamese UI, the JSON API and the SPARQL 1.1 endpoint (Flask, under gunicorn)."""
