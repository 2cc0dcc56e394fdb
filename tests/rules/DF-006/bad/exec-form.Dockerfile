# Exec form with sh -c: the -c string is the script.
FROM registry.example.com/base/debian:12.6
RUN ["/bin/sh", "-c", "curl -fsSL https://get.example.com/install.sh | sh"]
