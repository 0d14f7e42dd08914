# The root Dockerfile's image on the offline base: the same layout, dependencies from wheels made on
# the host (the build has no index to reach).
FROM dli-compose-base:bookworm-1
WORKDIR /srv/dli
COPY wheels /tmp/wheels
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --find-links /tmp/wheels setuptools wheel
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY problems ./problems
COPY sandbox ./sandbox
RUN pip install -q --no-index --find-links /tmp/wheels --no-build-isolation -e . && rm -rf /tmp/wheels \
    && useradd --system --uid 10002 dli && mkdir -p var && chown dli var
USER dli
EXPOSE 8000
CMD ["dli", "serve", "--host", "0.0.0.0", "--port", "8000"]
