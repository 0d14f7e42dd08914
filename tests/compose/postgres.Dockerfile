# What the postgres image's entry point does that the compose file relies on: a cluster in the
# volume, owned by POSTGRES_USER with POSTGRES_PASSWORD, holding POSTGRES_DB. Debian's own cluster
# (made when the package was installed) goes, so that its tools find this one on the usual port.
FROM dli-compose-base:bookworm-1
RUN rm -rf /etc/postgresql/*/main /var/lib/postgresql/*/main
ENV PGPORT=5432
COPY postgres.sh /usr/local/bin/postgres.sh
CMD ["bash", "/usr/local/bin/postgres.sh"]
