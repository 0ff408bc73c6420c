/** JSON (plain, escaped slashes, STS responses, notebooks, tfstate), XML and CSV exports. */
import { escapeSlashes, FileBuilder, type FileOptions, kid, neg, sk, tok } from '../builder';
import type { KeyFactory } from '../keys';
import { accountId, consolePassword, gitSha, iamUniqueId, pngBase64, uuid } from '../noise';

export function structuredFamily(k: KeyFactory): FileBuilder[] {
  const { rng } = k;
  const files: FileBuilder[] = [];
  const add = (path: string, kind: string, opts: Partial<FileOptions> = {}) => {
    const f = new FileBuilder(path, { kind, ...opts });
    files.push(f);
    return f;
  };
  const acct = accountId(rng);

  const a = k.pair();
  add('config.json', 'config.json').t`
    {
      "name": "media-service",
      "version": "2.3.1",
      "aws": {
        "accessKeyId": "${kid(a.id)}",
        "secretAccessKey": "${sk(a.secret)}",
        "region": "us-east-1",
        "bucket": "acme-media"
      },
      "buildCommit": "${neg('git-sha', gitSha(rng))}",
      "sessionId": "${neg('uuid', uuid(rng))}"
    }
  `;

  const b = k.pair('AKIA', 'modern', { needSpecials: true });
  const c = k.pair('AKIA', 'legacy', { needSpecials: true, end: '/' });
  const js = (v: string) => sk(v, escapeSlashes(v));
  add('config/legacy-storage.json', 'JSON with escaped slashes (PHP json_encode)').t`
    {
        "storage": {
            "driver": "s3",
            "key": "${kid(b.id)}",
            "secret": "${js(b.secret)}",
            "url": "https:\\/\\/acme-legacy.s3.amazonaws.com\\/uploads"
        },
        "backup": {
            "key": "${kid(c.id)}",
            "secret": "${js(c.secret)}"
        }
    }
  `;

  const t1 = k.temp();
  add('sts/assume-role.json', 'STS AssumeRole response').t`
    {
        "Credentials": {
            "AccessKeyId": "${kid(t1.id)}",
            "SecretAccessKey": "${sk(t1.secret)}",
            "SessionToken": "${tok(t1.token)}",
            "Expiration": "2024-05-01T12:00:00+00:00"
        },
        "AssumedRoleUser": {
            "AssumedRoleId": "${neg('AROA role id', iamUniqueId(rng, 'AROA'))}:deploy-session",
            "Arn": "arn:aws:sts::${acct}:assumed-role/deploy/deploy-session"
        }
    }
  `;

  const t2 = k.temp();
  add('sts/cli-cache.json', 'STS response, minified single line, no final newline', { finalNewline: false })
    .t`
    {"Credentials": {"AccessKeyId": "${kid(t2.id)}", "SecretAccessKey": "${sk(t2.secret)}", "SessionToken": "${tok(t2.token)}", "Expiration": "2024-05-01T13:00:00Z"}, "AssumedRoleUser": {"AssumedRoleId": "${neg('AROA role id', iamUniqueId(rng, 'AROA'))}:cli", "Arn": "arn:aws:sts::${acct}:assumed-role/admin/cli"}, "ResponseMetadata": {"RequestId": "${neg('uuid', uuid(rng))}", "HTTPStatusCode": 200}}
  `;

  const d = k.pair();
  add('notebooks/s3-analysis.ipynb', 'Jupyter notebook source cell').t`
    {
     "cells": [
      {
       "cell_type": "code",
       "execution_count": 1,
       "metadata": {},
       "outputs": [],
       "source": [
        "import boto3\\n",
        "session = boto3.Session(\\n",
        "    aws_access_key_id=\\"${kid(d.id)}\\",\\n",
        "    aws_secret_access_key=\\"${sk(d.secret)}\\",\\n",
        ")\\n",
        "s3 = session.client(\\"s3\\")"
       ]
      },
      {
       "cell_type": "code",
       "execution_count": 2,
       "metadata": {},
       "outputs": [
        {
         "data": {
          "image/png": "${neg('png base64', pngBase64(rng))}",
          "text/plain": [
           "<Figure size 640x480 with 1 Axes>"
          ]
         },
         "metadata": {},
         "output_type": "display_data"
        }
       ],
       "source": [
        "df.plot()"
       ]
      }
     ],
     "metadata": {
      "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
     },
     "nbformat": 4,
     "nbformat_minor": 5
    }
  `;

  const e = k.pair();
  add('terraform/terraform.tfstate', 'terraform state JSON').t`
    {
      "version": 4,
      "terraform_version": "1.6.2",
      "serial": 12,
      "lineage": "${neg('uuid', uuid(rng))}",
      "resources": [
        {
          "mode": "managed",
          "type": "aws_iam_access_key",
          "name": "deployer",
          "provider": "provider[\\"registry.terraform.io/hashicorp/aws\\"]",
          "instances": [
            {
              "attributes": {
                "id": "${kid(e.id)}",
                "secret": "${sk(e.secret)}",
                "status": "Active",
                "user": "deployer",
                "create_date": "2024-01-09T10:11:12Z"
              }
            }
          ]
        }
      ]
    }
  `;

  const f = k.pair();
  add('config/App.config', '.NET XML appSettings').t`
    <?xml version="1.0" encoding="utf-8"?>
    <configuration>
      <appSettings>
        <add key="AWSProfileName" value="default" />
        <add key="AWSAccessKey" value="${kid(f.id)}" />
        <add key="AWSSecretKey" value="${sk(f.secret)}" />
        <add key="AWSRegion" value="us-west-2" />
      </appSettings>
    </configuration>
  `;

  const g = k.pair();
  add('jenkins/credentials.xml', 'Jenkins XML').t`
    <?xml version='1.1' encoding='UTF-8'?>
    <list>
      <com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl plugin="aws-credentials@1.28">
        <scope>GLOBAL</scope>
        <id>${neg('uuid', uuid(rng))}</id>
        <description>deploy user</description>
        <accessKey>${kid(g.id)}</accessKey>
        <secretKey>${sk(g.secret)}</secretKey>
        <iamRoleArn>arn:aws:iam::${acct}:role/jenkins-deploy</iamRoleArn>
      </com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>
    </list>
  `;

  const csv = add('exports/credentials.csv', 'IAM console credentials CSV, CRLF, no final newline', {
    crlf: true,
    finalNewline: false,
  }).t`User name,Password,Access key ID,Secret access key,Console login link`;
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  const rows = rng.int(6, 8);
  for (let i = 0; i < rows; i++) {
    const p = i === 2 ? k.pair('ACCA', 'modern') : k.pair();
    const user = users[i] ?? `user${i}`;
    csv.t`${user},${consolePassword(rng)},${kid(p.id)},${sk(p.secret)},https://${acct}.signin.aws.amazon.com/console`;
  }

  const h = k.pair();
  add('exports/alice_accessKeys.csv', 'IAM accessKeys.csv with UTF-8 BOM', { bom: true }).t`
    Access key ID,Secret access key
    ${kid(h.id)},${sk(h.secret)}
  `;

  return files;
}
