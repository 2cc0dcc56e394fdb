# $APP_USER is not declared here: it comes from the base image's environment, which vakt
# cannot see. A user vakt cannot resolve is not judged.
FROM registry.example.com/base/app-runtime:3.1
USER $APP_USER
ENTRYPOINT ["/usr/local/bin/app"]
