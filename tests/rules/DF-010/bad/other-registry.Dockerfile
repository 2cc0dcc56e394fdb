# args: --config tests/rules/DF-010/trusted.vakt.yaml
FROM quay.io/prometheus/node-exporter:v1.8.2
USER 65534
