# ARG without a default and no build argument: the base is not known, so not judged.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER 10001
