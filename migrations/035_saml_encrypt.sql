-- 035_saml_encrypt.sql — two options of a SAML service provider (issue 14 part 2): its
-- Assertion encrypted to the encryption key of its metadata (--encrypt-assertions), and
-- the algorithm of its signatures (--sig-alg). Both off (RSA) for the SPs registered before.

ALTER TABLE saml_sp ADD COLUMN encrypt_assertions INTEGER NOT NULL DEFAULT 0
	CHECK (encrypt_assertions IN (0, 1));

-- The signature of its Response and Assertion: rsa-sha256 (lasso's), or ecdsa-sha256 with
-- the IdP's EC P-256 key (made when the first such SP is registered, published in the
-- metadata beside the RSA certificate; xmlsec signs).
ALTER TABLE saml_sp ADD COLUMN sig_alg TEXT NOT NULL DEFAULT 'rsa-sha256'
	CHECK (sig_alg IN ('rsa-sha256', 'ecdsa-sha256'));
