# Requirements and constraints files pin versions; index URLs are not packages.
FROM registry.example.com/base/python:3.12-slim
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir -c constraints.txt gunicorn \
 && pip install --no-cache-dir -i https://pypi.example.com/simple flask==3.0.3 \
 && pip install --no-cache-dir ./dist/app-1.4.2-py3-none-any.whl
