// Package docker holds no code: this directory is the worker's container
// image (Dockerfile) and a compose file with Kafka in KRaft mode, a Schema
// Registry, PostgreSQL and two distributed workers (docker-compose.yml,
// config/worker.properties; see README.md). The package's tests check those
// files: the compose topology, the worker config against the worker's own
// config definition, the image's non-root user and health check, and, when
// the docker CLI has the compose plugin, `docker compose config`.
package docker
