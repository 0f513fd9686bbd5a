# The explorer as a container: `docker build -t dynweights-explorer:0.1.0 .` (the tag is
# the version in pyproject.toml; see docs/deploy.md).
# All dependencies ship as wheels, so the builder stage needs no compiler; it
# exists to keep pip and its caches out of the final image.
FROM python:3.11.11-slim-bookworm AS builder
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        -r /tmp/requirements.txt

FROM python:3.11.11-slim-bookworm
# The code in an image never changes: no file watcher, which costs each new
# session about 0.6 s of CPU.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    PATH="/opt/venv/bin:$PATH"
# Fixed ids, and a numeric USER below: Kubernetes' runAsNonRoot check cannot
# resolve a user name (hadolint DL3066 says the same).
RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid app --no-log-init --create-home \
        --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY app.py ./
COPY dynweights/ dynweights/
COPY explorer/ explorer/
COPY .streamlit/ .streamlit/
USER 10001:10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
ENTRYPOINT ["streamlit", "run", "app.py", "--server.address=0.0.0.0"]
