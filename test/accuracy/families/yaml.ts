/** YAML: k8s Secret / Deployment env pairs, docker-compose, GitHub Actions, Ansible, Serverless, GitLab CI. */
import { FileBuilder, type FileOptions, kid, neg, sk, tok } from '../builder';
import type { KeyFactory } from '../keys';
import { accountId, envRef, gitSha, sha256Hex, uuid } from '../noise';

export function yamlFamily(k: KeyFactory): FileBuilder[] {
  const { rng } = k;
  const files: FileBuilder[] = [];
  const add = (path: string, kind: string, opts: Partial<FileOptions> = {}) => {
    const f = new FileBuilder(path, { kind, ...opts });
    files.push(f);
    return f;
  };
  const acct = accountId(rng);

  const a = k.pair();
  add('k8s/aws-secret.yaml', 'k8s Secret stringData').t`
    apiVersion: v1
    kind: Secret
    metadata:
      name: aws-credentials
      namespace: media
      annotations:
        checksum/config: ${neg('sha256 hex', sha256Hex(rng))}
    type: Opaque
    stringData:
      AWS_ACCESS_KEY_ID: ${kid(a.id)}
      AWS_SECRET_ACCESS_KEY: ${sk(a.secret)}
      AWS_DEFAULT_REGION: us-east-1
  `;

  const b = k.pair();
  const t1 = k.temp();
  add('docker-compose.yml', 'docker-compose environment (list and map forms)').t`
    services:
      api:
        image: ghcr.io/acme/api@sha256:${neg('sha256 hex', sha256Hex(rng))}
        environment:
          - AWS_ACCESS_KEY_ID=${kid(b.id)}
          - AWS_SECRET_ACCESS_KEY=${sk(b.secret)}
          - AWS_REGION=us-east-1
      worker:
        image: ghcr.io/acme/worker:1.4.2
        environment:
          AWS_ACCESS_KEY_ID: ${kid(t1.id)}
          AWS_SECRET_ACCESS_KEY: "${sk(t1.secret)}"
          AWS_SESSION_TOKEN: "${tok(t1.token)}"
          QUEUE_URL: https://sqs.us-east-1.amazonaws.com/${acct}/jobs
          DB_PASSWORD: ${envRef('DB_PASSWORD')}
  `;

  const c = k.pair();
  add('.github/workflows/deploy.yml', 'GitHub workflow env + pinned action SHAs').t`
    name: deploy
    on:
      push:
        branches: [main]
    env:
      AWS_ACCESS_KEY_ID: ${kid(c.id)}
      AWS_SECRET_ACCESS_KEY: ${sk(c.secret)}
      AWS_REGION: us-east-1
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@${neg('git-sha', gitSha(rng))} # v4.1.1
          - uses: aws-actions/configure-aws-credentials@${neg('git-sha', gitSha(rng))} # v4
            with:
              aws-access-key-id: $${neg('placeholder', '{{ secrets.AWS_ACCESS_KEY_ID }}')}
              aws-secret-access-key: $${neg('placeholder', '{{ secrets.AWS_SECRET_ACCESS_KEY }}')}
              aws-region: us-east-1
          - run: aws s3 sync dist s3://acme-site --delete
  `;

  const d = k.pair();
  add('k8s/deployment.yaml', 'k8s env name/value pairs (value on next line)').t`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: uploader
    spec:
      template:
        spec:
          containers:
            - name: uploader
              image: acme/uploader:3.2.0
              env:
                - name: AWS_ACCESS_KEY_ID
                  value: ${kid(d.id)}
                - name: AWS_SECRET_ACCESS_KEY
                  value: "${sk(d.secret)}"
                - name: POD_UID
                  value: ${neg('uuid', uuid(rng))}
  `;

  add('k8s/backup-cronjob.yaml', 'k8s env pair, secret only (no key id in file)').t`
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly-backup
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: backup
                  image: acme/backup:1.0.3
                  env:
                    - name: AWS_ACCESS_KEY_ID
                      valueFrom:
                        secretKeyRef:
                          name: backup-aws
                          key: id
                    - name: AWS_SECRET_ACCESS_KEY
                      value: ${sk(k.secret())}
  `;

  const e = k.pair();
  add('ansible/group_vars/all.yml', 'Ansible vars').t`
    ---
    app_user: deploy
    aws_access_key: ${kid(e.id)}
    aws_secret_key: ${sk(e.secret)}
    aws_region: eu-west-1
    s3_backup_bucket: acme-backups
  `;

  const f = k.pair();
  add('serverless.yml', 'Serverless framework environment').t`
    service: thumbnailer
    provider:
      name: aws
      runtime: nodejs20.x
      environment:
        ACCESS_KEY: ${kid(f.id)}
        SECRET_KEY: ${sk(f.secret)}
        BUCKET: ${envRef('self:custom.bucket')}
      iam:
        role: arn:aws:iam::${acct}:role/thumbnailer-lambda
  `;

  const g = k.pair();
  add('.gitlab-ci.yml', 'id on one line, secret on the next (no keyword)').t`
    variables:
      S3_USER: "${kid(g.id)}"
      S3_PASS: "${sk(g.secret)}"
      GIT_DEPTH: "20"

    deploy:
      stage: deploy
      script:
        - ./scripts/publish.sh
  `;

  return files;
}
