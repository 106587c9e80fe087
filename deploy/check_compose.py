"""Checks the compose files and the Dockerfile for what `docker compose config` and a build would
catch, on a machine without Docker: YAML that parses, services that only use declared volumes
and services, nodes wired to PostgreSQL, Redis and S3, and an image that runs as non-root with a
volume and a health check."""
import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
problems = []


def check_compose(path, node_names, needs):
    doc = yaml.safe_load(path.read_text())
    services, volumes = doc.get("services", {}), doc.get("volumes") or {}
    if not services:
        problems.append(f"{path.name}: no services")
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/")) and source not in volumes:
                problems.append(f"{path.name}: {name} mounts undeclared volume {source}")
            if source.startswith("."):
                if not (path.parent / source).exists():
                    problems.append(f"{path.name}: {name} mounts missing file {source}")
        depends = service.get("depends_on", [])
        for other in depends if isinstance(depends, list) else depends.keys():
            if other not in services:
                problems.append(f"{path.name}: {name} depends on unknown service {other}")
    for node in node_names:
        service = services.get(node)
        if service is None:
            problems.append(f"{path.name}: no service {node}")
            continue
        if service.get("build", {}).get("context") != "..":
            problems.append(f"{path.name}: {node} does not build the repository's Dockerfile")
        env = service.get("environment", {})
        for key in needs:
            if key not in env:
                problems.append(f"{path.name}: {node} lacks {key}")
        for key, value in env.items():
            if key in ("DATABASE_URL",) and not str(value).startswith("postgres://"):
                problems.append(f"{path.name}: {node} {key} is not a postgres:// URL")
            if key == "REDIS_URL" and not str(value).startswith("redis://"):
                problems.append(f"{path.name}: {node} {key} is not a redis:// URL")
    return services


check_compose(root / "deploy/docker-compose.yml", ["ocomms"], ["OCOMMS_PUBLIC_URL"])
scale = check_compose(
    root / "deploy/docker-compose.scale.yml",
    ["ocomms-1", "ocomms-2"],
    ["DATABASE_URL", "REDIS_URL", "OCOMMS_S3_BUCKET", "OCOMMS_PUBLIC_URL", "OCOMMS_TRUSTED_PROXY"],
)
for needed in ("proxy", "postgres", "redis"):
    if needed not in scale:
        problems.append(f"docker-compose.scale.yml: no {needed} service")
proxy_ip = scale.get("proxy", {}).get("networks", {}).get("default", {}).get("ipv4_address")
if proxy_ip and scale["ocomms-1"]["environment"]["OCOMMS_TRUSTED_PROXY"] != proxy_ip:
    problems.append("docker-compose.scale.yml: the nodes trust another address than the proxy's")

dockerfile = (root / "Dockerfile").read_text()
for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
    for item in source.split():
        if not (root / item).exists():
            problems.append(f"Dockerfile copies missing {item}")
for needed in ("USER ", "VOLUME ", "HEALTHCHECK ", "EXPOSE 3000"):
    if needed not in dockerfile:
        problems.append(f"Dockerfile lacks {needed.strip()}")
if re.search(r"^USER (0|root)\b", dockerfile, re.M):
    problems.append("Dockerfile runs as root")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("compose files and Dockerfile ok")
