# Caches in a build stage stay there: the image only copies the binary out of it.
FROM registry.example.com/base/debian:12.6 AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 libc6-dev=2.36-9+deb12u7
RUN gcc -O2 -o /out/app /src/app.c

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
