FROM registry.example.com/base/rockylinux:8.9
RUN yum install -y nginx-1.14.1 && yum clean all
