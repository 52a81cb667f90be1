# chaos-action's CLI as a container image, for scheduled runs in the cluster (deploy/cronjob.yaml).
# dist/ is the committed, self-contained bundle: no npm install, no dev dependencies, nothing to build.
#   docker build -t chaos-action .
#   docker run --rm -v "$PWD/experiments:/experiments:ro" chaos-action run /experiments --cluster sim
FROM node:24-alpine

LABEL org.opencontainers.image.title="chaos-action" \
      org.opencontainers.image.description="Chaos Toolkit experiments run natively against Kubernetes; verdicts as JSON lines" \
      org.opencontainers.image.licenses="MIT"

ENV NODE_ENV=production
WORKDIR /app
# package.json says the bundle's .js files are ES modules; LICENSE and dist/licenses.txt go with the code.
COPY package.json LICENSE ./
COPY dist/ ./dist/

# The image's `node` user, by number so that `runAsNonRoot` can verify it.
USER 1000:1000
WORKDIR /tmp
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["run", "/experiments", "--cluster", "in-cluster", "--output", "jsonl"]
