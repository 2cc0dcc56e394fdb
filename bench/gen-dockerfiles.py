#!/usr/bin/python3
"""Generate a corpus of realistic Dockerfiles for benchmarks.

    gen-dockerfiles.py OUTDIR [COUNT]      (default 10,000)

Deterministic (fixed seed). Mixed ecosystems (Node, Python, Go, Java, Debian and Alpine
bases), multi-stage builds, heredocs, long RUN chains with continuations, ARG-substituted
bases, hardened and careless habits mixed, as real repositories hold them.
"""
import os
import random
import sys

BASES = ["debian:12", "debian:12-slim", "ubuntu:24.04", "alpine:3.20", "node:20-alpine",
         "python:3.12-slim", "golang:1.23", "eclipse-temurin:21-jre", "nginx:1.27-alpine",
         "node:latest", "python", "registry.example.com/base/runtime:3.4"]


def apt_chain(rng):
    pkgs = rng.sample(["curl", "ca-certificates", "git", "gnupg", "jq", "unzip", "tzdata",
                       "build-essential", "libpq-dev", "openssl", "locales", "procps"],
                      rng.randrange(3, 9))
    pin = rng.random() < 0.3
    pkgs = [p + ("=1.2.3-1" if pin else "") for p in pkgs]
    clean = " \\\n    && rm -rf /var/lib/apt/lists/*" if rng.random() < 0.6 else ""
    return ("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n      "
            + " \\\n      ".join(pkgs) + clean + "\n")


def apk_chain(rng):
    pkgs = rng.sample(["curl", "ca-certificates", "git", "bash", "tini", "su-exec", "tzdata"],
                      rng.randrange(2, 6))
    nc = "--no-cache " if rng.random() < 0.7 else ""
    return f"RUN apk add {nc}" + " ".join(pkgs) + "\n"


def heredoc(rng):
    lines = [f"echo step {i}" for i in range(rng.randrange(3, 12))]
    if rng.random() < 0.2:
        lines.append("curl -fsSL https://get.example.com/install.sh | sh")
    return "RUN <<EOF\nset -eux\n" + "\n".join(lines) + "\nEOF\n"


def build_stage(rng, i):
    lang = rng.choice(["node", "python", "go", "java"])
    if lang == "node":
        return ("FROM ${BUILDER} AS build\nWORKDIR /src\nCOPY package.json package-lock.json ./\n"
                "RUN npm ci\nCOPY . .\nRUN npm run build\n")
    if lang == "python":
        return ("FROM ${BUILDER} AS build\nWORKDIR /src\nCOPY requirements.txt .\n"
                "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n")
    if lang == "go":
        return ("FROM ${BUILDER} AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                "RUN --mount=type=cache,target=/root/go/pkg/mod go mod download\nCOPY . .\n"
                f"RUN CGO_ENABLED=0 go build -trimpath -o /out/app{i} ./cmd/app\n")
    return ("FROM ${BUILDER} AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN ./gradlew --no-daemon build -x test\n")


def dockerfile(rng, i):
    out = []
    if rng.random() < 0.3:
        out.append("# syntax=docker/dockerfile:1.7\n")
    out.append(f"# service {i}: generated for vakt's benchmark\n")
    multi = rng.random() < 0.5
    if multi:
        out.append(f"ARG BUILDER={rng.choice(BASES)}\n")
        out.append(build_stage(rng, i))
        out.append("\n")
    base = rng.choice(BASES)
    out.append(f"FROM {base}\n")
    out.append(f'LABEL org.opencontainers.image.title="svc-{i}" \\\n      '
               f'org.opencontainers.image.version="{rng.randrange(1, 9)}.{rng.randrange(40)}"\n')
    for k in range(rng.randrange(2, 8)):
        out.append(f"ENV APP_VAR_{k}={rng.getrandbits(32):x}\n")
    if rng.random() < 0.1:
        out.append("ENV API_TOKEN=changeme\n")
    out.append("ARG VERSION=dev\n")
    steps = rng.randrange(2, 7)
    for _ in range(steps):
        r = rng.random()
        if "alpine" in base:
            out.append(apk_chain(rng) if r < 0.5 else heredoc(rng))
        else:
            out.append(apt_chain(rng) if r < 0.5 else heredoc(rng))
    out.append("WORKDIR /app\n")
    if multi:
        out.append("COPY --from=build /src /app\n" if rng.random() < 0.5 else
                   "COPY --from=build --chown=10001:10001 /src /app\n")
    else:
        out.append(rng.choice(["COPY . .\n", "ADD . .\n", "COPY --chown=app:app . .\n"]))
    if rng.random() < 0.15:
        out.append("RUN chmod -R 777 /app\n")
    if rng.random() < 0.6:
        out.append("RUN useradd -r -u 10001 app || adduser -S -u 10001 app\nUSER 10001\n")
    out.append(f"EXPOSE {rng.choice(['8080', '3000', '80', '22 8080'])}\n")
    if rng.random() < 0.4:
        out.append("HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1\n")
    out.append('CMD ["/app/run", "--port=8080"]\n')
    return "".join(out)


def main():
    outdir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(20261128)
    total = 0
    for i in range(count):
        d = os.path.join(outdir, f"{i // 1000:02d}", f"svc-{i:05d}")
        os.makedirs(d, exist_ok=True)
        text = dockerfile(rng, i)
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write(text)
        total += len(text)
    print(f"{count} Dockerfiles, {total / 1e6:.1f} MB in {outdir}")


if __name__ == "__main__":
    main()
