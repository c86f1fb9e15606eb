
/*
 * authgw-token: the options each command takes and its --help text. A
 * command's arguments are checked here before it runs: --help prints its
 * text (exit 0); an option it does not take, or one without its value,
 * is a usage error (exit 2), said with the command's usage line; so is
 * what a command finds wrong in its arguments itself (usage_error()).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usage.h"


typedef struct {
    const char          *name;
    int                  value;     /* takes a value */
} usage_option_t;


typedef struct {
    const char            *name;
    const usage_option_t  *options;
    int                    operands;  /* the most it takes; -1: any */
    const char            *usage;
    const char            *help;
} usage_command_t;


static const usage_option_t  usage_keygen[] = {
    { "--type", 1 }, { "--out", 1 }, { "--pub", 1 }, { "--format", 1 },
    { "--size", 1 }, { "--bits", 1 }, { "--crv", 1 }, { "--kid", 1 },
    { "--alg", 1 }, { "--use", 1 }, { NULL, 0 }
};

static const usage_option_t  usage_pubkey[] = {
    { "--key", 1 }, { "--format", 1 }, { "--oct", 0 }, { "--kid", 1 },
    { "--alg", 1 }, { "--use", 1 }, { NULL, 0 }
};

static const usage_option_t  usage_none[] = {
    { NULL, 0 }
};

static const usage_option_t  usage_sign[] = {
    { "--alg", 1 }, { "--key", 1 }, { "--kid", 1 }, { "--exp-in", 1 },
    { "--nbf-in", 1 }, { "--iat", 0 }, { "--claim", 1 },
    { "--claim-json", 1 }, { "--claims", 1 }, { "--header-json", 1 },
    { "--raw-header", 1 }, { "--raw-payload", 1 }, { "--header-seg", 1 },
    { "--payload-seg", 1 }, { "--pss-saltlen", 1 }, { "--openssl", 0 },
    { "--user-id", 1 }, { "--user-id-key", 1 }, { "--enc", 1 },
    { "--user-id-alg", 1 }, { "--user-id-kid", 1 },
    { "--user-id-claim", 1 }, { "--user-id-header-json", 1 },
    { "--iv-len", 1 }, { "--no-pad", 0 }, { "--cnf-jkt", 1 },
    { "--cnf-x5t", 1 }, { NULL, 0 }
};

/* the claims and header of a proof, and what a test may change in them */
static const usage_option_t  usage_dpop[] = {
    { "--key", 1 }, { "--method", 1 }, { "--url", 1 }, { "--alg", 1 },
    { "--token", 1 }, { "--token-file", 1 }, { "--nonce", 1 },
    { "--iat", 1 }, { "--iat-in", 1 }, { "--jti", 1 }, { "--count", 1 },
    { "--typ", 1 }, { "--claim", 1 }, { "--claim-json", 1 },
    { "--header-json", 1 }, { "--drop-claim", 1 }, { "--drop-header", 1 },
    { NULL, 0 }
};

static const usage_option_t  usage_thumbprint[] = {
    { "--key", 1 }, { "--cert", 1 }, { NULL, 0 }
};

static const usage_option_t  usage_encrypt[] = {
    { "--key", 1 }, { "--alg", 1 }, { "--enc", 1 }, { "--kid", 1 },
    { "--header-json", 1 }, { "--iv-len", 1 }, { "--no-pad", 0 },
    { "--hex", 1 }, { NULL, 0 }
};


static const usage_command_t  usage_commands[] = {

    { "keygen", usage_keygen, 0,
      "authgw-token keygen --type oct|rsa|ec|ed25519 --out PRIVATE "
      "[OPTIONS]",
      "Makes a key: a private key as PEM (a raw secret for oct) in --out,\n"
      "and its public part in --pub.\n"
      "\n"
      "  --type oct|rsa|ec|ed25519   the key type\n"
      "  --out FILE                  the private key (PEM; oct: raw bytes)\n"
      "  --pub FILE                  the public key, in --format\n"
      "  --format F                  pem (SPKI, the default), rsapem\n"
      "                              (PKCS#1), der, jwk, jwks; oct: jwk or\n"
      "                              jwks\n"
      "  --bits N                    RSA modulus (2048)\n"
      "  --crv P-256|P-384|P-521     EC curve (P-256)\n"
      "  --size N                    oct secret bytes (32)\n"
      "  --kid K, --alg A, --use U   members of a jwk or jwks --pub\n"
      "\n"
      "Examples:\n"
      "  authgw-token keygen --type rsa --out rsa.pem --pub rsa.jwks \\\n"
      "      --format jwks --kid k1\n"
      "  authgw-token keygen --type oct --size 32 --out uid.key\n" },

    { "pubkey", usage_pubkey, 0,
      "authgw-token pubkey --key PRIVATE [--oct] [--format F] [--kid K]",
      "Prints the public part of a private key (or, with --oct, a raw\n"
      "secret as an oct JWK).\n"
      "\n"
      "  --key FILE                  the private key (PEM), or the secret\n"
      "  --oct                       the file is a raw secret\n"
      "  --format F                  pem (default), rsapem, der, jwk, jwks\n"
      "  --kid K, --alg A, --use U   members of a jwk or jwks\n"
      "\n"
      "Examples:\n"
      "  authgw-token pubkey --key rsa.pem --format jwk --kid k1 > k1.jwk\n"
      "  authgw-token pubkey --oct --key uid.key --format jwk --kid u1 \\\n"
      "      --use enc > u1.jwk\n" },

    { "jwks", usage_none, -1,
      "authgw-token jwks JWK_FILE ...",
      "Prints a JWK Set of the keys of each file (a JWK, or a JWK Set).\n"
      "\n"
      "Example:\n"
      "  authgw-token jwks k1.jwk k2.jwk > keys.jwks\n" },

    { "sign", usage_sign, 0,
      "authgw-token sign --alg ALG --key PRIVATE [OPTIONS]",
      "Prints a signed token (JWS compact). HS*, RS* and ES* are signed by\n"
      "libjwt, PS*, EdDSA and hand-made headers or payloads by OpenSSL.\n"
      "\n"
      "  --alg ALG             HS256..EdDSA, or none (no --key)\n"
      "  --key FILE            the private key (PEM), or the HMAC secret\n"
      "  --kid K               the header's kid\n"
      "  --exp-in S, --nbf-in S  exp, nbf: now + S seconds\n"
      "  --iat                 iat: now\n"
      "  --claim K=V           a string claim; repeatable\n"
      "  --claim-json K=JSON   a claim of any JSON; repeatable\n"
      "  --claims JSON         the claims to start from\n"
      "  --header-json JSON    the header to start from\n"
      "  --raw-header TEXT, --raw-payload TEXT  JSON text encoded as is\n"
      "  --header-seg B64, --payload-seg B64    segments used byte for byte\n"
      "  --pss-saltlen N       PS*: the salt length\n"
      "  --openssl             sign with OpenSSL, not libjwt\n"
      "  --user-id V --user-id-key FILE  an encrypted user id in the claim\n"
      "                        uid; with --enc ENC (A256GCM),\n"
      "                        --user-id-alg dir|A128KW|A192KW|A256KW,\n"
      "                        --user-id-kid K, --user-id-claim NAME,\n"
      "                        --user-id-header-json JSON, --iv-len N,\n"
      "                        --no-pad\n"
      "  --cnf-jkt KEY         cnf.jkt: the RFC 7638 thumbprint of KEY (a\n"
      "                        PEM private or public key, or a JWK): bound\n"
      "                        to DPoP proofs of that key (RFC 9449)\n"
      "  --cnf-x5t CERT        cnf[\"x5t#S256\"]: the SHA-256 of a client\n"
      "                        certificate (PEM or DER), RFC 8705\n"
      "                        Both make one cnf. They are set last: into a\n"
      "                        cnf object of --claims or --claim-json, whose\n"
      "                        other members stay, replacing their own\n"
      "\n"
      "Examples:\n"
      "  authgw-token sign --alg RS256 --key rsa.pem --kid k1 \\\n"
      "      --exp-in 3600 --claim sub=alice --claim-json 'roles=[\"admin\"]'"
      "\n"
      "  authgw-token sign --alg HS256 --key hs256.key --exp-in 600 --iat \\\n"
      "      --user-id 42 --user-id-key uid.key --enc A128CBC-HS256\n"
      "  authgw-token sign --alg ES256 --key idp.pem --exp-in 300 \\\n"
      "      --claim sub=alice --cnf-jkt client.pem\n" },

    { "dpop", usage_dpop, 0,
      "authgw-token dpop --key PRIVATE --method METHOD --url URL [OPTIONS]",
      "Prints a DPoP proof (RFC 9449): a JWT of typ dpop+jwt with htm, htu,\n"
      "iat and a random jti, whose header carries the public JWK of --key,\n"
      "signed with that key.\n"
      "\n"
      "  --key FILE            the private key (PEM): RSA, EC or Ed25519\n"
      "  --method METHOD       htm, as given\n"
      "  --url URL             htu, as given\n"
      "  --alg ALG             the key's by default: ES256, ES384, ES512 by\n"
      "                        curve, EdDSA, RS256; an RSA key may sign\n"
      "                        RS384..PS512 too (no HS*, no none)\n"
      "  --token TOKEN         ath: the SHA-256 of the access token\n"
      "  --token-file FILE     the same, the token read from FILE (a final\n"
      "                        line break left out)\n"
      "  --nonce NONCE         nonce: the server's DPoP-Nonce\n"
      "  --iat N               iat: N (now by default)\n"
      "  --iat-in S            iat: now + S seconds (S may be negative)\n"
      "  --jti JTI             jti (by default 24 random bytes, base64url)\n"
      "  --count N             N proofs, one a line, each of its own random\n"
      "                        jti, all with the same iat and other claims\n"
      "                        (the key read once: for a benchmark, which\n"
      "                        must use each proof once); not with --jti\n"
      "  --typ T               the header's typ (dpop+jwt)\n"
      "For tests of refused proofs (each repeatable, applied in this order):\n"
      "  --claim K=V           a string claim, added or replaced\n"
      "  --claim-json K=JSON   a claim of any JSON, added or replaced\n"
      "  --header-json K=JSON  a header member, added or replaced (the\n"
      "                        signature is still made with --key)\n"
      "  --drop-claim K, --drop-header K    a member left out\n"
      "\n"
      "Examples:\n"
      "  authgw-token dpop --key client.pem --method GET \\\n"
      "      --url https://api.example.com/orders --token \"$TOKEN\"\n"
      "  authgw-token dpop --key client.pem --method POST \\\n"
      "      --url https://idp.example.com/token --nonce \"$NONCE\"\n"
      "  authgw-token dpop --key client.pem --method GET --url URL \\\n"
      "      --iat-in -3600 --drop-claim jti\n"
      "  authgw-token dpop --key client.pem --method GET --url URL \\\n"
      "      --token \"$TOKEN\" --count 100000 > proofs.txt\n" },

    { "thumbprint", usage_thumbprint, 0,
      "authgw-token thumbprint (--key KEY | --cert CERT)",
      "Prints what a token's cnf binds it to, base64url: a key's RFC 7638\n"
      "JWK thumbprint (cnf.jkt, RFC 9449), or the SHA-256 of a certificate's\n"
      "DER (cnf[\"x5t#S256\"], RFC 8705).\n"
      "\n"
      "  --key FILE            a PEM private or public key (RSA, EC,\n"
      "                        Ed25519), or a JWK: of its public members\n"
      "  --cert FILE           an X.509 certificate, PEM or DER\n"
      "\n"
      "Examples:\n"
      "  authgw-token thumbprint --key client.pem\n"
      "  authgw-token thumbprint --cert client.crt\n" },

    { "encrypt", usage_encrypt, 1,
      "authgw-token encrypt --key FILE [OPTIONS] (--hex HEX | VALUE)",
      "Prints VALUE (or the bytes of --hex) encrypted as a user id: a\n"
      "compact JWE.\n"
      "\n"
      "  --key FILE           the key: raw bytes, or an oct JWK or JWKS\n"
      "  --alg ALG            dir (default), A128KW, A192KW, A256KW\n"
      "  --enc ENC            A128GCM..A256GCM, A128CBC-HS256..A256CBC-HS512\n"
      "                       (A256GCM)\n"
      "  --kid K              the header's kid\n"
      "  --header-json JSON   the protected header to start from\n"
      "  --iv-len N, --no-pad  malformed variants, for tests\n"
      "  --hex HEX            the value's bytes in hex\n"
      "\n"
      "Example:\n"
      "  authgw-token encrypt --key uid.key --alg A256KW --enc "
      "A128CBC-HS256 42\n" },

    { "decode", usage_none, 1,
      "authgw-token decode TOKEN",
      "Prints a token's header and payload, decoded, without verifying\n"
      "anything (authgw-token check verifies).\n"
      "\n"
      "Example:\n"
      "  authgw-token decode \"$TOKEN\"\n" },

    { NULL, NULL, 0, NULL, NULL }
};


void
usage_tool(FILE *f)
{
    fprintf(f,
        "usage: authgw-token COMMAND [OPTIONS]\n"
        "\n"
        "Keys, tokens, DPoP proofs and encrypted user ids for authgw, and a\n"
        "check of a token as the module would see it.\n"
        "\n"
        "  keygen      make a key pair, or a secret\n"
        "  pubkey      the public part of a key\n"
        "  jwks        a JWK Set of JWK files\n"
        "  sign        a signed token\n"
        "  dpop        a DPoP proof (RFC 9449)\n"
        "  thumbprint  a key's or a certificate's thumbprint, for cnf\n"
        "  encrypt     an encrypted user id (a compact JWE)\n"
        "  decode      a token's header and payload, unverified\n"
        "  check       verify a token as a location would, and say why\n"
        "  help [COMMAND]\n"
        "\n"
        "authgw-token COMMAND --help: the command's options and examples.\n");
}


static const usage_command_t *
usage_find(const char *cmd)
{
    const usage_command_t  *c;

    for (c = usage_commands; c->name != NULL; c++) {
        if (strcmp(c->name, cmd) == 0) {
            return c;
        }
    }

    return NULL;
}


static void
usage_line(const usage_command_t *c)
{
    fprintf(stderr, "usage: %s\n(authgw-token %s --help for more)\n",
            c->usage, c->name);
}


/*
 * -1: the command may run; else the exit code: 0 after --help, 2 for an
 * unknown command, an option it does not take or more operands
 */

int
usage_command(const char *cmd, int argc, char **argv)
{
    int                     i, n;
    const usage_option_t   *o;
    const usage_command_t  *c;

    c = usage_find(cmd);

    if (c == NULL) {
        fprintf(stderr, "authgw-token: unknown command \"%s\"\n", cmd);
        usage_tool(stderr);
        return 2;
    }

    n = 0;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s\n\n%s", c->usage, c->help);
            return 0;
        }

        if (strncmp(argv[i], "--", 2) != 0) {
            n++;
            continue;
        }

        for (o = c->options; o->name != NULL; o++) {
            if (strcmp(argv[i], o->name) == 0) {
                break;
            }
        }

        if (o->name == NULL) {
            fprintf(stderr, "authgw-token %s: unknown option \"%s\"\n",
                    cmd, argv[i]);
            usage_line(c);
            return 2;
        }

        if (o->value && ++i == argc) {
            fprintf(stderr, "authgw-token %s: %s needs a value\n", cmd,
                    argv[i - 1]);
            usage_line(c);
            return 2;
        }
    }

    if (c->operands >= 0 && n > c->operands) {
        fprintf(stderr, "authgw-token %s: takes %s\n", cmd,
                c->operands ? "one operand" : "no operand");
        usage_line(c);
        return 2;
    }

    return -1;
}


/*
 * What a command finds wrong in its arguments beyond the table (an option
 * it needs, two that exclude each other, a value of the wrong kind) is a
 * usage error too: said with its usage line, exit 2
 */

void
usage_error(const char *cmd, const char *msg, const char *arg)
{
    const usage_command_t  *c;

    fprintf(stderr, "authgw-token %s: %s%s%s\n", cmd, msg,
            arg != NULL ? ": " : "", arg != NULL ? arg : "");

    c = usage_find(cmd);

    if (c != NULL) {
        usage_line(c);
    }

    exit(2);
}
