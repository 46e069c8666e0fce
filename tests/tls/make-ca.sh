#!/usr/bin/env bash
# Makes a throwaway test CA and certificates under DIR with the openssl CLI, for the API's TLS tests:
#   ca.pem ca.key                     the CA (RSA)
#   server.pem server.key             RSA server certificate and PKCS#8 key, for localhost and 127.0.0.1
#   server-ec.pem server-ec.key       EC (P-256) server certificate and SEC1 key ("EC PRIVATE KEY"), same names
#   client.pem client.key             a client certificate (for [ssl] ca_file)
#   server-pkcs1.key                  server.key in PKCS#1 form ("RSA PRIVATE KEY")
#   encrypted.key                     server.key encrypted with the passphrase "secret"
#   other.key                         an RSA key that matches no certificate
# Usage: tests/tls/make-ca.sh DIR
set -euo pipefail
DIR="${1:?usage: make-ca.sh DIR}"
mkdir -p "$DIR"
cd "$DIR"
quiet() { "$@" >/dev/null 2>&1 || { echo "make-ca.sh: $* failed" >&2; "$@"; exit 1; }; }

quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Hearth Test CA"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > client.ext

sign() { # sign NAME EXTFILE: NAME.csr -> NAME.pem
  quiet openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 -extfile "$2"
  rm -f "$1.csr"
}
quiet openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
sign server server.ext
quiet openssl ecparam -name prime256v1 -genkey -noout -out server-ec.key
quiet openssl req -new -key server-ec.key -out server-ec.csr -subj "/CN=localhost"
sign server-ec server.ext
quiet openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=hearth-test-client"
sign client client.ext
quiet openssl pkey -in server.key -traditional -out server-pkcs1.key
quiet openssl pkcs8 -topk8 -in server.key -passout pass:secret -out encrypted.key
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key
chmod 600 ./*.key
