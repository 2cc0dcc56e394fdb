# A git source is fetched at build time too; the ref can move.
FROM registry.example.com/base/golang:1.22.5
ADD git@github.com:moby/buildkit.git#v0.15.1 /src/buildkit
