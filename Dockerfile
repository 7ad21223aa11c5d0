FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
WORKDIR /app
# The CPU build of torch from PyTorch's CPU index, before anything can pull the CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md alembic.ini ./
COPY service service
COPY models models
COPY features features
COPY db db
COPY data/curated data/curated
RUN pip install .
# The public data directory is mounted at run time (docker-compose.yml), never baked in.
ENV PARTNERMATCH_DATA_DIR=/data/public PARTNERMATCH_CURATED_DIR=/app/data/curated
EXPOSE 8000
CMD ["partnermatch", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
