# The IURC pairing worker: `python worker.py` (migrate, then poll the task queue).
#
#   docker build -t iurc-worker .      # or: docker compose build worker
#
# Configuration comes from IURC_* environment variables (iurc/settings.py); docker-compose.yml
# sets them. The image declares no HEALTHCHECK: the compose file does, next to the services
# it depends on.

FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in a layer of their own that is rebuilt only when the lock changes:
# exactly the runtime set of requirements.lock (`make lock`), every file checked against its
# hash, so the image gets what was audited (scripts/audit.py) and nothing a registry swapped in.
# The development-only packages (the `embedded` extra: the embedded PostgreSQL and the Temporal
# CLI) are not in it; the worker never imports them.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the project itself, without dependencies (they are all above), and a check that the
# locked set satisfies what the built package declares. Only the runtime code is copied
# (tests/ and the rest stay out; see also .dockerignore); README.md is the package's `readme`.
COPY pyproject.toml README.md worker.py ./
COPY domain/ domain/
COPY contracts/ contracts/
COPY workflows/ workflows/
COPY activities/ activities/
COPY adapters/ adapters/
COPY iurc/ iurc/
RUN pip install --no-deps . \
    && pip check \
    && rm -rf build *.egg-info

# An unprivileged user with a home of its own; numeric, so `runAsNonRoot` checks can verify it.
RUN groupadd --system --gid 10001 iurc \
    && useradd --system --uid 10001 --gid iurc --create-home --shell /usr/sbin/nologin iurc
USER 10001:10001

# Exec form: Python is PID 1 and receives SIGTERM itself, so `docker stop` is the worker's
# graceful shutdown (running activities get time to finish).
CMD ["python", "worker.py"]
