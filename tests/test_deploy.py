"""Checks on the deployment files: Kubernetes manifest, Streamlit config, Dockerfile."""

import fnmatch
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit import config as streamlit_config

ROOT = Path(__file__).resolve().parent.parent
HEALTH_PATH = "/_stcore/health"
PORT = 8501


def _manifests() -> dict[str, dict[str, Any]]:
    text = (ROOT / "deploy" / "kubernetes.yaml").read_text(encoding="utf-8")
    return {doc["kind"]: doc for doc in yaml.safe_load_all(text) if doc}


def _container() -> dict[str, Any]:
    containers = _manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    container: dict[str, Any] = containers[0]
    return container


def _streamlit_config() -> dict[str, Any]:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        return tomllib.load(f)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def test_manifest_has_a_deployment_a_service_and_a_secret() -> None:
    assert {"Deployment", "Service", "Secret"} <= set(_manifests())


def test_several_replicas() -> None:
    assert _manifests()["Deployment"]["spec"]["replicas"] > 1


def test_service_keeps_each_client_on_one_replica() -> None:
    service = _manifests()["Service"]
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    assert service["spec"]["ports"][0]["targetPort"] == PORT


def test_service_selects_the_deployment_pods() -> None:
    manifests = _manifests()
    pod_labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert manifests["Service"]["spec"]["selector"].items() <= pod_labels.items()


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe"])
def test_probes_hit_streamlit_health_endpoint(probe: str) -> None:
    container = _container()
    assert container[probe]["httpGet"] == {"path": HEALTH_PATH, "port": PORT}
    assert [port["containerPort"] for port in container["ports"]] == [PORT]
    # Kubernetes' default is 1 s: a replica busy with a visitor's rerun would restart.
    assert container[probe]["timeoutSeconds"] >= 5


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        version: str = tomllib.load(f)["project"]["version"]
    return version


def test_image_tag_is_the_package_version_and_documented() -> None:
    image = _container()["image"]
    name, _, tag = image.rpartition(":")
    assert name.endswith("dynweights-explorer")
    assert tag == _version() != "latest"
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert f"docker build -t dynweights-explorer:{tag} ." in docs
    assert f"dynweights-explorer:{tag}" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_pods_mount_no_service_account_token() -> None:
    pod = _manifests()["Deployment"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False


def test_root_filesystem_is_read_only_with_a_writable_tmp() -> None:
    container = _container()
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    volumes = {
        v["name"]: v for v in _manifests()["Deployment"]["spec"]["template"]["spec"]["volumes"]
    }
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    assert "emptyDir" in mounts["/tmp"]
    assert mounts["/tmp"]["emptyDir"]["sizeLimit"]


def test_cookie_secret_comes_from_the_secret() -> None:
    manifests = _manifests()
    env = {var["name"]: var for var in _container()["env"]}
    ref = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    secret = manifests["Secret"]
    assert ref["name"] == secret["metadata"]["name"]
    assert ref["key"] in secret["stringData"]


def test_pods_run_as_non_root() -> None:
    pod_security = _manifests()["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert pod_security["runAsUser"] != 0


def test_streamlit_config_is_locked_down_for_a_public_demo() -> None:
    config = _streamlit_config()
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["headless"] is True
    assert 1 <= config["server"]["maxMessageSize"] <= 5


def test_streamlit_config_keys_exist_in_installed_streamlit() -> None:
    # Streamlit only logs a warning for an unknown key, so a typo would pass silently.
    known = set(streamlit_config.get_config_options())
    keys = {f"{section}.{key}" for section, values in _streamlit_config().items() for key in values}
    assert keys - known == set()


def test_dockerfile_runs_as_unprivileged_user() -> None:
    users = [args for keyword, args in _dockerfile_instructions() if keyword == "USER"]
    assert users, "Dockerfile has no USER instruction"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_serves_streamlit_with_healthcheck() -> None:
    instructions = dict(_dockerfile_instructions())
    assert instructions["EXPOSE"] == str(PORT)
    assert f"http://127.0.0.1:{PORT}{HEALTH_PATH}" in instructions["HEALTHCHECK"]
    assert json.loads(instructions["ENTRYPOINT"]) == [
        "streamlit",
        "run",
        "app.py",
        "--server.address=0.0.0.0",
    ]


def test_dockerfile_base_images_are_pinned() -> None:
    froms = [args.split() for keyword, args in _dockerfile_instructions() if keyword == "FROM"]
    stages = {words[-1] for words in froms if len(words) >= 3 and words[-2].upper() == "AS"}
    images = [next(w for w in words if not w.startswith("--")) for words in froms]
    assert images
    for image in images:
        if image in stages:
            continue
        name, _, tag = image.partition("@")[0].rpartition(":")
        assert name, f"FROM {image} has no tag"
        assert "/" not in tag, f"FROM {image} has no tag"
        assert re.match(r"\d+\.\d+", tag), f"FROM {image} is not pinned to a version"


def _dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().strip("/") for line in lines if line.strip() and line[0] != "#"]


@pytest.mark.parametrize(
    "path",
    [
        ".streamlit/secrets.toml",
        "explorer/.streamlit/secrets.toml",
        ".env",
        "deploy/.env.production",
        "certs/tls.key",
        "tls.pem",
    ],
)
def test_dockerignore_keeps_secrets_out_of_the_image(path: str) -> None:
    patterns = _dockerignore()
    assert not any(p.startswith("!") for p in patterns)  # no exception re-admits one
    # Docker's "**/" matches zero or more directories; fnmatch's "*" already crosses "/".
    roots = [p.removeprefix("**/") for p in patterns]
    assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns + roots), path


def test_dockerignore_excludes_local_state_but_not_what_the_image_copies() -> None:
    patterns = _dockerignore()
    assert {".venv", ".git"} <= set(patterns)
    copied = [
        source.rstrip("/")
        for keyword, args in _dockerfile_instructions()
        if keyword == "COPY" and not args.startswith("--from")
        for source in args.split()[:-1]
    ]
    assert "app.py" in copied
    for source in copied:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in patterns), source
