/** Terraform, Markdown, logs, ID:SECRET lists, prose notes, URL-encoded query strings. */
import { FileBuilder, type FileOptions, kid, neg, sk, tok, urlEncode } from '../builder';
import { BASE64, cleanChars, type KeyFactory } from '../keys';
import { accountId, DOC_EXAMPLES, envRef, gitSha, iamUniqueId, path40, uuid } from '../noise';

export function textFamily(k: KeyFactory): FileBuilder[] {
  const { rng } = k;
  const files: FileBuilder[] = [];
  const add = (path: string, kind: string, opts: Partial<FileOptions> = {}) => {
    const f = new FileBuilder(path, { kind, ...opts });
    files.push(f);
    return f;
  };
  const acct = accountId(rng);

  const a = k.pair();
  add('infra/main.tf', 'Terraform provider block').t`
    terraform {
      required_providers {
        aws = {
          source  = "hashicorp/aws"
          version = "~> 5.0"
        }
      }
    }

    provider "aws" {
      region     = "us-east-1"
      access_key = "${kid(a.id)}"
      secret_key = "${sk(a.secret)}"
    }

    resource "aws_s3_bucket" "logs" {
      bucket = "acme-logs-${envRef('var.env')}"
    }

    data "aws_iam_policy_document" "assume" {
      statement {
        principals {
          type        = "AWS"
          identifiers = ["arn:aws:iam::${acct}:root"]
        }
      }
    }
  `;

  const b = k.pair();
  add('infra/modules/replica/variables.tf', 'Terraform variable defaults').t`
    variable "replica_access_key" {
      type    = string
      default = "${kid(b.id)}"
    }

    variable "replica_secret_key" {
      type      = string
      sensitive = true
      default   = "${sk(b.secret)}"
    }
  `;

  const c = k.pair();
  add('docs/onboarding.md', 'Markdown table with emoji before the key, doc examples').t`
    # Onboarding

    Use the shared sandbox account until your SSO access is ready (merci, équipe plateforme 🙏).

    | Field | Value |
    |---|---|
    | 🔑 Access key | \`${kid(c.id)}\` |
    | 🔒 Secret key | \`${sk(c.secret)}\` |

    Example from the AWS docs (do not use):

    \`\`\`ini
    aws_access_key_id = ${neg('doc example id', DOC_EXAMPLES.id2)}
    aws_secret_access_key = ${neg('doc example secret', DOC_EXAMPLES.secret2)}
    \`\`\`

    Commit ${neg('git-sha', gitSha(rng))} rotated the previous key.
  `;

  const d = k.pair();
  const t1 = k.temp();
  add('logs/app.log', 'application log lines').t`
    2024-03-04T10:15:02.123Z INFO  [boot] service=media-api version=2.3.1 commit=${neg('git-sha', gitSha(rng))}
    2024-03-04T10:15:02.456Z DEBUG [aws] resolved static credentials accessKeyId=${kid(d.id)} secretAccessKey=${sk(d.secret)}
    2024-03-04T10:15:03.001Z INFO  [http] GET /v1/assets/${neg('uuid', uuid(rng))} 200 12ms request_id=${neg('uuid', uuid(rng))}
    2024-03-04T10:17:44.870Z WARN  [aws] refreshing AWS_ACCESS_KEY_ID=${kid(t1.id)} AWS_SECRET_ACCESS_KEY=${sk(t1.secret)} AWS_SESSION_TOKEN=${tok(t1.token)}
    2024-03-04T10:18:00.000Z ERROR [s3] AccessDenied on arn:aws:s3:::acme-media/${neg('s3 object key', path40(rng))}.png principal=arn:aws:iam::${acct}:user/media-api userId=${neg('AIDA user id', iamUniqueId(rng, 'AIDA'))}
    2024-03-04T10:18:00.002Z INFO  [s3] GET /${neg('s3 object key (40-char run)', path40(rng))}.png 403
  `;

  const lam = add('logs/lambda-env.jsonl', 'JSON-lines log with STS env dumps');
  for (let i = 0; i < 3; i++) {
    const t = k.temp();
    lam.t`{"ts":"2024-03-05T08:0${String(i)}:00Z","level":"debug","requestId":"${neg('uuid', uuid(rng))}","msg":"env","AWS_ACCESS_KEY_ID":"${kid(t.id)}","AWS_SECRET_ACCESS_KEY":"${sk(t.secret)}","AWS_SESSION_TOKEN":"${tok(t.token)}"}`;
  }

  const e = k.pair();
  add('logs/ci-build.log', 'CI log with git log output, CRLF', { crlf: true }).t`
    $ git log -2
    commit ${neg('git-sha', gitSha(rng))}
    Author: Jane Dev <jane@acme.io>
    Date:   Mon Mar 4 10:12:00 2024 +0000

        Fix upload retries

    commit ${neg('git-sha', gitSha(rng))}
    Merge: 1a2b3c4 5d6e7f8
    Author: Bot <bot@acme.io>

    + printenv | sort
    AWS_ACCESS_KEY_ID=${kid(e.id)}
    AWS_SECRET_ACCESS_KEY=${sk(e.secret)}
    HOME=/home/runner
    + npm ci
    added 812 packages in 14s
  `;

  const ids = add('secrets/aws-keys.txt', 'ID:SECRET list');
  const n = rng.int(9, 11);
  for (let i = 0; i < n; i++) {
    const p = i === 4 ? k.pair('ACCA', 'modern') : i === 7 ? k.pair('ABIA', 'modern') : k.pair();
    ids.t`${kid(p.id)}:${sk(p.secret)}`;
  }

  const f = k.pair('AKIA', 'legacy');
  add('notes/incident-2024-03.txt', 'prose incident notes').t`
    Incident summary
    ================
    On 2024-03-02 the key ${kid(f.id)} (user ci-bot) was pushed to a public repository.
    Its secret was ${sk(f.secret)} and it has since been deactivated.
    Tracking ticket: SEC-4411 / ${neg('uuid', uuid(rng))}
  `;

  const g = k.pair('AKIA', 'modern', { needSpecials: true });
  const h = k.pair('AKIA', 'modern', { needSpecials: true, end: '+' });
  const sig = urlEncode(`${cleanChars(rng, BASE64, 26)}/+`);
  add('logs/proxy-access.log', 'URL-encoded secrets in query strings', { finalNewline: false }).t`
    10.0.3.17 - - [04/Mar/2024:10:20:11 +0000] "GET /internal/connect?provider=s3&access_key=${kid(g.id)}&secret_key=${sk(g.secret, urlEncode(g.secret))}&region=us-east-1 HTTP/1.1" 200 512 "-" "python-requests/2.31.0"
    10.0.3.18 - - [04/Mar/2024:10:20:15 +0000] "GET /acme-media/${neg('s3 object key (40-char run)', path40(rng))}.png?AWSAccessKeyId=${kid(k.anyKeyId())}&Expires=1709550000&Signature=${neg('url-encoded signature', sig)} HTTP/1.1" 200 48213 "-" "Mozilla/5.0"
    10.0.3.19 - - [04/Mar/2024:10:21:02 +0000] "POST /v1/credentials?aws_access_key_id=${kid(h.id)}&aws_secret_access_key=${sk(h.secret, urlEncode(h.secret))} HTTP/1.1" 201 87 "-" "curl/8.4.0"
  `;

  return files;
}
