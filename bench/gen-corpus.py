#!/usr/bin/python3
"""Generate a corpus of realistic Kubernetes workload manifests for benchmarks.

    gen-corpus.py OUTDIR [COUNT]      (default 10,000 files, about 50 MB)

Deterministic (fixed seed): the same corpus every time, so runs compare. Mixed kinds
(Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod), some files multi-document with a
Service and a ConfigMap, hardened and insecure settings mixed, labels, annotations, env,
probes, resources, volumes: what a real cluster's manifests look like.
"""
import os
import random
import sys

KINDS = ["Deployment"] * 5 + ["StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]


def container(rng, name, hardened):
    env = "\n".join(f"            - name: VAR_{i}\n              value: \"{rng.randrange(10**8)}\""
                    for i in range(rng.randrange(4, 24)))
    sc = ("          securityContext:\n"
          "            allowPrivilegeEscalation: false\n"
          "            readOnlyRootFilesystem: true\n"
          "            runAsNonRoot: true\n"
          "            capabilities:\n              drop: [\"ALL\"]\n") if hardened else (
          "          securityContext:\n            privileged: %s\n" % rng.choice(["true", "false"]))
    return f"""        - name: {name}
          image: registry.example.com/team-{rng.randrange(50)}/{name}:{rng.randrange(1, 9)}.{rng.randrange(30)}.{rng.randrange(10)}{'' if rng.random() < 0.7 else '@sha256:' + '%064x' % rng.getrandbits(256)}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info", "--metrics"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
          env:
{env}
          resources:
            requests: {{cpu: {rng.randrange(50, 500)}m, memory: {rng.randrange(64, 512)}Mi}}
            limits: {{cpu: {rng.randrange(500, 2000)}m, memory: {rng.randrange(512, 2048)}Mi}}
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
            initialDelaySeconds: 10
            periodSeconds: 10
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
            periodSeconds: 5
          volumeMounts:
            - {{name: config, mountPath: /etc/{name}, readOnly: true}}
            - {{name: tmp, mountPath: /tmp}}
{sc}"""


def pod_spec(rng, name, indent):
    hardened = rng.random() < 0.6
    containers = "".join(container(rng, f"{name}-{c}" if c else name, hardened)
                         for c in range(rng.randrange(1, 4)))
    spec = f"""      serviceAccountName: {name}
      automountServiceAccountToken: {str(not hardened).lower()}
      securityContext:
        runAsUser: {rng.choice([0, 1000, 10001, 65532])}
        fsGroup: 2000
{'        seccompProfile: {type: RuntimeDefault}' if hardened else '      hostNetwork: ' + rng.choice(['true', 'false'])}
      containers:
{containers}      volumes:
        - name: config
          configMap: {{name: {name}-config}}
        - name: tmp
          emptyDir: {{}}
"""
    if rng.random() < 0.1:
        spec += "        - name: docker\n          hostPath: {path: /var/run/docker.sock}\n"
    pad = " " * indent
    return "".join(pad + line + "\n" if line else "\n" for line in spec.splitlines())


def workload(rng, i):
    kind = rng.choice(KINDS)
    name = f"svc-{i:05d}"
    ns = f"team-{rng.randrange(40)}"
    meta = f"""metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: platform
    app.kubernetes.io/version: "{rng.randrange(1, 9)}.{rng.randrange(30)}"
  annotations:
    owner: team-{rng.randrange(40)}@example.com
    description: "Generated workload {i} for vakt's benchmark corpus"
"""
    labels = f"      labels:\n        app.kubernetes.io/name: {name}\n"
    if kind == "Pod":
        return f"apiVersion: v1\nkind: Pod\n{meta}spec:\n" + pod_spec(rng, name, -4)
    if kind == "CronJob":
        return (f"apiVersion: batch/v1\nkind: CronJob\n{meta}spec:\n  schedule: \"*/15 * * * *\"\n"
                f"  jobTemplate:\n    spec:\n      template:\n        metadata:\n"
                f"          labels:\n            app.kubernetes.io/name: {name}\n"
                f"        spec:\n          restartPolicy: OnFailure\n" + pod_spec(rng, name, 4))
    api = "batch/v1" if kind == "Job" else "apps/v1"
    extra = "  replicas: 3\n" if kind in ("Deployment", "StatefulSet") else ""
    extra += f"  serviceName: {name}\n" if kind == "StatefulSet" else ""
    rp = "      restartPolicy: Never\n" if kind == "Job" else ""
    sel = "" if kind == "Job" else f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
    return (f"apiVersion: {api}\nkind: {kind}\n{meta}spec:\n{extra}{sel}  template:\n"
            f"    metadata:\n{labels}    spec:\n{rp}" + pod_spec(rng, name, 0))


def extras(rng, i):
    name = f"svc-{i:05d}"
    data = "\n".join(f"  key{k}: \"value-{rng.getrandbits(64):x}\"" for k in range(rng.randrange(5, 30)))
    return (f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
            f"  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - port: 80\n      targetPort: http\n"
            f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\ndata:\n{data}\n")


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(20261128)
    os.makedirs(out, exist_ok=True)
    total = 0
    for i in range(count):
        text = workload(rng, i)
        if rng.random() < 0.3:
            text += extras(rng, i)
        d = os.path.join(out, f"{i // 1000:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"workload-{i:05d}.yaml"), "w") as f:
            f.write(text)
        total += len(text)
    print(f"{count} files, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
