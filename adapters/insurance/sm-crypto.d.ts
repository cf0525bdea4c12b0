// sm-crypto ships CommonJS without typings; only the part tracegate uses is declared (API of 0.5.x).
declare module 'sm-crypto' {
  interface SignatureOptions {
    /** SM3 hash with Z(userId, public key) before signing: what "SM3withSM2" means. Default true since 0.4. */
    hash?: boolean;
    /** ASN.1 DER instead of r‖s (64 hex digits each). */
    der?: boolean;
    /** Saves deriving the public key from the private key on every signature. */
    publicKey?: string;
    /** Distinguishing identifier; default 1234567812345678. */
    userId?: string;
  }
  interface Sm4Options {
    padding?: 'pkcs#7' | 'pkcs#5' | 'none';
    mode?: 'cbc';
    /** Hex. */
    iv?: string;
    output?: 'string' | 'array';
  }
  interface Sm2 {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    getPublicKeyFromPrivateKey(privateKey: string): string;
    verifyPublicKey(publicKey: string): boolean;
    comparePublicKeyHex(publicKey1: string, publicKey2: string): boolean;
    /** Signature as hex. */
    doSignature(msg: string | ArrayLike<number>, privateKey: string, options?: SignatureOptions): string;
    doVerifySignature(
      msg: string | ArrayLike<number>,
      signHex: string,
      publicKey: string,
      options?: Omit<SignatureOptions, 'publicKey'>
    ): boolean;
  }
  interface Sm4 {
    /** msg: UTF-8 text or bytes; key: hex. Returns hex, or bytes with output 'array'. */
    encrypt(msg: string | Iterable<number>, key: string, options: Sm4Options & { output: 'array' }): number[];
    encrypt(msg: string | Iterable<number>, key: string, options?: Sm4Options): string;
    /** data: hex or bytes; key: hex. Returns UTF-8 text, or bytes with output 'array'. Throws on bad padding. */
    decrypt(data: string | Iterable<number>, key: string, options: Sm4Options & { output: 'array' }): number[];
    decrypt(data: string | Iterable<number>, key: string, options?: Sm4Options): string;
  }
  const smCrypto: {
    sm2: Sm2;
    /** SM3 digest as hex. */
    sm3(input: string | ArrayLike<number>): string;
    sm4: Sm4;
  };
  export default smCrypto;
}
