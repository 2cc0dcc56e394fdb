# :5000 is the registry's port, not a tag: the image has no tag.
FROM registry.example.com:5000/base/alpine
USER 10001
