# Sourced by start-cluster.sh: the cluster's settings, from versions.env and the environment
# `npm start` reads (same names and defaults where they mean the same thing).
# shellcheck shell=bash
# shellcheck source=versions.env
source "$(dirname "${BASH_SOURCE[0]}")/versions.env"

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-$DEFAULT_API_PORT}
SIGNAL_PUSH_OPS_PORT=${SIGNAL_PUSH_OPS_PORT:-9464}
SIGNAL_PUSH_DATA_DIR=$(realpath -m "${SIGNAL_PUSH_DATA_DIR:-.signal-push}")
# The frontend on the dev server's port and the Web UI on its UI port, so tools and the codec
# server's CORS origins work against either.
TEMPORAL_DEV_PORT=${TEMPORAL_DEV_PORT:-$DEFAULT_TEMPORAL_PORT}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-$DEFAULT_UI_PORT}
SIGNAL_PUSH_CLUSTER_POSTGRES_PORT=${SIGNAL_PUSH_CLUSTER_POSTGRES_PORT:-$DEFAULT_POSTGRES_PORT}
SIGNAL_PUSH_CLUSTER_WORKERS=${SIGNAL_PUSH_CLUSTER_WORKERS:-2}

# Temporal's other ports keep their usual distance from the frontend's (7233 gives exactly
# Temporal's defaults: history 7234, matching 7235, worker 7239, HTTP 7243, membership 6933-6939).
FRONTEND_GRPC_PORT=$TEMPORAL_DEV_PORT
HISTORY_GRPC_PORT=$((TEMPORAL_DEV_PORT + 1))
MATCHING_GRPC_PORT=$((TEMPORAL_DEV_PORT + 2))
WORKER_GRPC_PORT=$((TEMPORAL_DEV_PORT + 6))
FRONTEND_HTTP_PORT=$((TEMPORAL_DEV_PORT + 10))
FRONTEND_MEMBERSHIP_PORT=$((TEMPORAL_DEV_PORT - 300))
HISTORY_MEMBERSHIP_PORT=$((TEMPORAL_DEV_PORT - 299))
MATCHING_MEMBERSHIP_PORT=$((TEMPORAL_DEV_PORT - 298))
WORKER_MEMBERSHIP_PORT=$((TEMPORAL_DEV_PORT - 294))

CLUSTER_DIR=$SIGNAL_PUSH_DATA_DIR/cluster
CLUSTER_RUN_DIR=$CLUSTER_DIR/run
CLUSTER_LOG_DIR=$CLUSTER_DIR/logs
