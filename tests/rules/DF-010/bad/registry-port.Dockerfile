# args: --config tests/rules/DF-010/trusted.vakt.yaml
# registry.example.com:5000 is another registry than registry.example.com.
FROM registry.example.com:5000/base/alpine:3.20
USER 10001
