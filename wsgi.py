"""The WSGI entry point for gunicorn: gunicorn -c gunicorn.conf.py wsgi:app"""

from tas import create_app

app = create_app()
