/** dotenv, ~/.aws/credentials INI, shell, Dockerfile, properties, TOML, PowerShell. */
import { FileBuilder, type FileOptions, kid, neg, sk, tok, urlEncode } from '../builder';
import type { KeyFactory } from '../keys';
import { DOC_EXAMPLES, gitSha, PLACEHOLDER_ID, sha256Hex, uuid } from '../noise';

export function envFamily(k: KeyFactory): FileBuilder[] {
  const { rng } = k;
  const files: FileBuilder[] = [];
  const add = (path: string, kind: string, opts: Partial<FileOptions> = {}) => {
    const f = new FileBuilder(path, { kind, ...opts });
    files.push(f);
    return f;
  };

  const a = k.pair();
  add('.env', 'dotenv').t`
    # Local development settings
    NODE_ENV=development
    PORT=3000
    DATABASE_URL=postgres://app:devpass@localhost:5432/app
    REQUEST_ID_SEED=${neg('uuid', uuid(rng))}
    AWS_REGION=us-east-1
    AWS_ACCESS_KEY_ID=${kid(a.id)}
    AWS_SECRET_ACCESS_KEY=${sk(a.secret)}
    GIT_COMMIT=${neg('git-sha', gitSha(rng))}
    S3_BUCKET=acme-dev-uploads
  `;

  const t1 = k.temp();
  add('.env.production', 'dotenv temporary credentials, quoted, no final newline', { finalNewline: false }).t`
    AWS_ACCESS_KEY_ID="${kid(t1.id)}"
    AWS_SECRET_ACCESS_KEY="${sk(t1.secret)}"
    AWS_SESSION_TOKEN="${tok(t1.token)}"
    AWS_DEFAULT_REGION="eu-west-1"
    SENTRY_DSN=https://${neg('hex32', rng.chars('0123456789abcdef', 32))}@o450123.ingest.sentry.io/4504
  `;

  const b = k.pair('AKIA', 'legacy', { end: '/' });
  add('services/billing/.env.local', 'dotenv with commented placeholders, single quotes').t`
    # Copy from 1Password. Format:
    # AWS_ACCESS_KEY_ID=${neg('placeholder id', PLACEHOLDER_ID)}
    # AWS_SECRET_ACCESS_KEY=${neg('placeholder', '<YOUR_SECRET_KEY>')}
    AWS_ACCESS_KEY_ID='${kid(b.id)}'
    AWS_SECRET_ACCESS_KEY='${sk(b.secret)}'
    BILLING_WEBHOOK_ID=${neg('uuid', uuid(rng))}
  `;

  const p1 = k.pair();
  const p2 = k.pair('AKIA', 'legacy');
  const p3 = k.temp();
  const p4 = k.pair('ABIA', 'modern');
  const p5 = k.temp();
  add('.aws/credentials', 'aws credentials INI, several profiles').t`
    [default]
    aws_access_key_id = ${kid(p1.id)}
    aws_secret_access_key = ${sk(p1.secret)}

    [prod]
    aws_access_key_id=${kid(p2.id)}
    aws_secret_access_key=${sk(p2.secret)}
    region = us-west-2

    [ci-temp]
    aws_access_key_id = ${kid(p3.id)}
    aws_secret_access_key = ${sk(p3.secret)}
    aws_session_token = ${tok(p3.token)}

    [docs-example]
    aws_access_key_id = ${neg('doc example id', DOC_EXAMPLES.id)}
    aws_secret_access_key = ${neg('doc example secret', DOC_EXAMPLES.secret)}

    [bearer]
    aws_access_key_id = ${kid(p4.id)}
    aws_secret_access_key = ${sk(p4.secret)}

    [legacy-token]
    aws_access_key_id = ${kid(p5.id)}
    aws_secret_access_key = ${sk(p5.secret)}
    aws_security_token = ${tok(p5.token)}
  `;

  const c = k.pair();
  add('deploy/env.sh', 'shell export').t`
    #!/usr/bin/env bash
    set -euo pipefail
    # deploy helper
    export AWS_ACCESS_KEY_ID=${kid(c.id)}
    export AWS_SECRET_ACCESS_KEY=${sk(c.secret)}
    export AWS_DEFAULT_REGION=us-east-1
    export BUILD_SHA="$(git rev-parse HEAD)"
    aws s3 sync ./dist s3://acme-web-prod/ --delete
  `;

  const d = k.pair();
  const t2 = k.temp();
  add('scripts/setup-aws.sh', 'aws configure set commands').t`
    #!/bin/sh
    aws configure set aws_access_key_id ${kid(d.id)} --profile ci
    aws configure set aws_secret_access_key ${sk(d.secret)} --profile ci
    aws configure set region us-east-1 --profile ci

    aws configure set aws_access_key_id ${kid(t2.id)} --profile ci-temp
    aws configure set aws_secret_access_key ${sk(t2.secret)} --profile ci-temp
    aws configure set aws_session_token ${tok(t2.token)} --profile ci-temp
  `;

  add('ci/rotate-secret.sh', 'aws configure set secret only (no key id in file)').t`
    #!/bin/sh
    # rotated 2024-02-11 by ops
    aws configure set aws_secret_access_key ${sk(k.secret())} --profile backup
    aws configure set region us-east-2 --profile backup
  `;

  const e = k.pair();
  add('Dockerfile', 'Dockerfile ENV, id and secret on one line').t`
    FROM node:20-alpine@sha256:${neg('sha256 hex', sha256Hex(rng))}
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci --omit=dev
    COPY . .
    ENV AWS_ACCESS_KEY_ID=${kid(e.id)} AWS_SECRET_ACCESS_KEY=${sk(e.secret)}
    ENV AWS_REGION=us-east-1
    CMD ["node", "server.js"]
  `;

  const f = k.pair();
  add('config/application.properties', 'Java properties with UTF-8 BOM', { bom: true }).t`
    # uploader service
    spring.application.name=uploader
    cloud.aws.credentials.access-key=${kid(f.id)}
    cloud.aws.credentials.secret-key=${sk(f.secret)}
    cloud.aws.region.static=eu-central-1
    management.endpoints.web.exposure.include=health,info
  `;

  const g = k.pair();
  add('config/settings.toml', 'TOML').t`
    [server]
    port = 8080
    request_log = true

    [aws]
    access_key_id = "${kid(g.id)}"
    secret_access_key = "${sk(g.secret)}"
    region = "ap-southeast-2"
  `;

  const t3 = k.temp();
  add('windows/Set-AwsEnv.ps1', 'PowerShell, CRLF line endings', { crlf: true }).t`
    # Sets temporary credentials for the current session
    $env:AWS_ACCESS_KEY_ID = "${kid(t3.id)}"
    $env:AWS_SECRET_ACCESS_KEY = "${sk(t3.secret)}"
    $env:AWS_SESSION_TOKEN = "${tok(t3.token)}"
    Write-Host "AWS credentials configured for $env:USERNAME"
  `;

  const h = k.pair('AKIA', 'modern', { needSpecials: true });
  add('config/storage.env', 'DSN with url-encoded secret').t`
    FILESYSTEM_DISK=s3
    FILESYSTEM_DSN=s3://${kid(h.id)}:${sk(h.secret, urlEncode(h.secret))}@acme-files?region=eu-west-1
    CACHE_TTL=3600
  `;

  return files;
}
