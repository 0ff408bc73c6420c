/** Source code: Python, JS, TS, Go, Java, C#, Ruby, PHP, Rust, Kotlin, and a minified bundle. */
import { FileBuilder, type FileOptions, kid, neg, sk, tok } from '../builder';
import type { KeyFactory } from '../keys';
import { camel40, path40, pngDataUri, sha512Integrity } from '../noise';
import { minifiedBundle } from './minified';

export function codeFamily(k: KeyFactory): FileBuilder[] {
  const { rng } = k;
  const files: FileBuilder[] = [];
  const add = (path: string, kind: string, opts: Partial<FileOptions> = {}) => {
    const f = new FileBuilder(path, { kind, ...opts });
    files.push(f);
    return f;
  };

  const a = k.pair();
  add('app/storage.py', 'Python boto3 client kwargs').t`
    import os

    import boto3

    BUCKET = os.environ.get("BUCKET", "acme-reports")


    def client():
        return boto3.client(
            "s3",
            aws_access_key_id="${kid(a.id)}",
            aws_secret_access_key="${sk(a.secret)}",
            region_name="us-east-1",
        )


    def upload_report(path: str) -> None:
        client().upload_file(path, BUCKET, "${neg('s3 object key (40-char run)', path40(rng))}.pdf")
  `;

  const t1 = k.temp();
  add('jobs/etl_session.py', 'Python boto3 Session with session token').t`
    import boto3

    session = boto3.Session(aws_access_key_id='${kid(t1.id)}', aws_secret_access_key='${sk(t1.secret)}',
                            aws_session_token='${tok(t1.token)}')
    athena = session.client("athena", region_name="us-east-1")
  `;

  const b = k.pair();
  add('web/src/s3.js', 'JS aws-sdk v2 new AWS.S3({...})').t`
    const AWS = require('aws-sdk');

    const s3 = new AWS.S3({
      accessKeyId: '${kid(b.id)}',
      secretAccessKey: '${sk(b.secret)}',
      region: 'us-east-1',
    });

    module.exports = { s3 };
  `;

  const c = k.pair();
  add('web/src/upload.ts', 'TS aws-sdk v3, id and secret on one line, camelCase ids, object keys').t`
    import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: '${kid(c.id)}', secretAccessKey: '${sk(c.secret)}' },
    });

    export async function ${neg('camelCase identifier', camel40(rng, ['secret', 'access', 'aws']))}(body: Buffer): Promise<void> {
      await client.send(new PutObjectCommand({ Bucket: 'acme-uploads', Key: '${neg('s3 object key (40-char run)', path40(rng))}.jpg', Body: body }));
    }

    export const ${neg('camelCase identifier', camel40(rng))} = 3;
  `;

  const d = k.pair();
  add('cmd/uploader/main.go', 'Go credentials.NewStaticCredentials').t`
    package main

    import (
    \t"log"

    \t"github.com/aws/aws-sdk-go/aws"
    \t"github.com/aws/aws-sdk-go/aws/credentials"
    \t"github.com/aws/aws-sdk-go/aws/session"
    )

    func main() {
    \tsess, err := session.NewSession(&aws.Config{
    \t\tRegion:      aws.String("us-west-2"),
    \t\tCredentials: credentials.NewStaticCredentials("${kid(d.id)}", "${sk(d.secret)}", ""),
    \t})
    \tif err != nil {
    \t\tlog.Fatal(err)
    \t}
    \t_ = sess
    }
  `;

  const e = k.pair('AKIA', 'legacy');
  add('internal/awsutil/static.go', 'Go multi-line args (id line, secret next line)').t`
    package awsutil

    import "github.com/aws/aws-sdk-go/aws/credentials"

    var Static = credentials.NewStaticCredentials(
    \t"${kid(e.id)}",
    \t"${sk(e.secret)}",
    \t"",
    )
  `;

  const f = k.pair();
  add('src/main/java/com/acme/storage/S3Config.java', 'Java BasicAWSCredentials').t`
    package com.acme.storage;

    import com.amazonaws.auth.AWSStaticCredentialsProvider;
    import com.amazonaws.auth.BasicAWSCredentials;
    import com.amazonaws.services.s3.AmazonS3;
    import com.amazonaws.services.s3.AmazonS3ClientBuilder;

    public class S3Config {
        private static final String BUCKET = "acme-archive";

        public AmazonS3 s3() {
            BasicAWSCredentials creds = new BasicAWSCredentials("${kid(f.id)}", "${sk(f.secret)}");
            return AmazonS3ClientBuilder.standard()
                    .withCredentials(new AWSStaticCredentialsProvider(creds))
                    .withRegion("us-east-1")
                    .build();
        }
    }
  `;

  const g = k.pair();
  const t2 = k.temp();
  add('src/Acme.Storage/AwsClientFactory.cs', 'C# BasicAWSCredentials / SessionAWSCredentials').t`
    using Amazon;
    using Amazon.Runtime;
    using Amazon.S3;

    namespace Acme.Storage
    {
        public static class AwsClientFactory
        {
            private const string AccessKey = "${kid(g.id)}";
            private const string SecretKey = "${sk(g.secret)}";

            public static IAmazonS3 Create() =>
                new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), RegionEndpoint.USEast1);

            public static IAmazonS3 CreateTemporary() =>
                new AmazonS3Client(new SessionAWSCredentials("${kid(t2.id)}", "${sk(t2.secret)}", "${tok(t2.token)}"), RegionEndpoint.USEast1);
        }
    }
  `;

  const h = k.pair();
  add('lib/acme/s3_uploader.rb', 'Ruby Aws::Credentials.new').t`
    require 'aws-sdk-s3'

    module Acme
      class S3Uploader
        def initialize
          @client = Aws::S3::Client.new(
            region: 'us-east-1',
            credentials: Aws::Credentials.new('${kid(h.id)}', '${sk(h.secret)}')
          )
        end
      end
    end
  `;

  const i = k.pair();
  add('src/Storage/S3Factory.php', 'PHP S3Client credentials array').t`
    <?php

    namespace App\\Storage;

    use Aws\\S3\\S3Client;

    final class S3Factory
    {
        public static function make(): S3Client
        {
            return new S3Client([
                'version' => 'latest',
                'region' => 'eu-west-2',
                'credentials' => [
                    'key' => '${kid(i.id)}',
                    'secret' => '${sk(i.secret)}',
                ],
            ]);
        }
    }
  `;

  const j = k.pair();
  add('src/storage.rs', 'Rust Credentials::new (multi-line)').t`
    use aws_credential_types::Credentials;
    use aws_sdk_s3::config::{Builder, Region};

    pub fn client() -> aws_sdk_s3::Client {
        let creds = Credentials::new(
            "${kid(j.id)}",
            "${sk(j.secret)}",
            None,
            None,
            "hardcoded",
        );
        let conf = Builder::new().region(Region::new("us-east-1")).credentials_provider(creds).build();
        aws_sdk_s3::Client::from_conf(conf)
    }
  `;

  const l = k.pair();
  add('android/app/src/main/java/com/acme/Uploader.kt', 'Kotlin constants').t`
    package com.acme

    import com.amazonaws.auth.BasicAWSCredentials
    import com.amazonaws.services.s3.AmazonS3Client

    object Uploader {
        private const val ACCESS_KEY = "${kid(l.id)}"
        private const val SECRET_KEY = "${sk(l.secret)}"

        val client by lazy { AmazonS3Client(BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)) }
    }
  `;

  const m = k.pair();
  add('scripts/legacy_sync.py', 'Python, id line then secret line with non-AWS names').t`
    # TODO: move to vault
    KEY = "${kid(m.id)}"
    PASS = "${sk(m.secret)}"

    def sync():
        pass
  `;

  files.push(minifiedBundle(k, { camel40, pngDataUri, sha512Integrity }));
  return files;
}
