# ADD unpacks a local tar archive: the one thing COPY does not do.
FROM scratch
ADD alpine-minirootfs-3.20.2-x86_64.tar.gz /
CMD ["/bin/sh"]
