package org.resistancecds.cds.security;

import java.time.Instant;

/** Where the ids of accepted CDS client tokens are kept until they expire, so that none is accepted twice. */
interface TokenIdRecord {

    /**
     * Records a token id until {@code forgetAfter}.
     *
     * @throws AuthenticationFailure if the id was accepted before and has not expired
     * @throws ReplayCheckUnavailable if the check could not be made; a replay must not pass for that
     */
    void record(String issuer, String jti, Instant forgetAfter);
}
