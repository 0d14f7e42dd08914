# The dli web application (not the sandbox image: that one is sandbox/Dockerfile).
FROM python:3.11-slim
WORKDIR /srv/dli
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY problems ./problems
COPY sandbox ./sandbox
RUN pip install --no-cache-dir -e . && useradd --system --uid 10002 dli && mkdir -p var && chown dli var
USER dli
EXPOSE 8000
CMD ["dli", "serve", "--host", "0.0.0.0", "--port", "8000"]
