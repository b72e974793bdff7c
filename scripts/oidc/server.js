// A local OpenID Connect provider for trying the dashboard's sign-in (st.login) on 127.0.0.1.
//
// node-oidc-provider (npm `oidc-provider`, pinned in package.json / package-lock.json), one fixed
// client (the dashboard), an in-memory account store with the demo users below, and its own
// sign-in form that checks their passwords. The provider puts the `roles` claim in the id_token
// (Streamlit reads the id_token's claims into st.user); one user has no `roles` claim, so the
// dashboard takes that user's roles from the roles file (data/roles.example.toml).
//
// Started by scripts/start_signin.sh and by tests/test_browser_signin.py:
//   OIDC_PORT=9400 APP_REDIRECT_URI=http://127.0.0.1:8502/oauth2callback \
//   OIDC_CLIENT_ID=kpi-dashboard OIDC_CLIENT_SECRET=... node scripts/oidc/server.js
// It listens on 127.0.0.1 only and keeps nothing on disk: a restart forgets every session.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const PORT = Number(process.env.OIDC_PORT || 9400);
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}`;
const REDIRECT_URIS = (process.env.APP_REDIRECT_URI || 'http://127.0.0.1:8502/oauth2callback').split(',');
const CLIENT_ID = process.env.OIDC_CLIENT_ID || 'kpi-dashboard';
const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET || 'kpi-dashboard-dev-secret';

// The demo users (passwords in the README's "Sign-in and roles" section). Demo accounts only.
const USERS = {
  'lanhdao@demo.vn': { password: 'lanhdao123', name: 'Lãnh đạo Sở (demo)', roles: ['viewer'] },
  'chuyenvien@demo.vn': { password: 'chuyenvien123', name: 'Chuyên viên nhập liệu (demo)', roles: ['editor'] },
  'truongphong@demo.vn': { password: 'truongphong123', name: 'Trưởng phòng (demo)', roles: ['approver', 'viewer'] },
  // no roles claim: the dashboard reads this user's roles from the roles file
  'quantri@demo.vn': { password: 'quantri123', name: 'Quản trị (demo)', roles: null },
};

function account(email) {
  const user = USERS[email];
  if (!user) return undefined;
  return {
    accountId: email,
    async claims() {
      const claims = { sub: email, email, email_verified: true, name: user.name };
      if (user.roles) claims.roles = user.roles;
      return claims;
    },
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: REDIRECT_URIS,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', kid: 'dev' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'roles'],
  },
  // the scope's claims go into the id_token too (Streamlit reads the id_token, not userinfo)
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, id) => account(id),
  // a first-party client: the scopes it asks for are granted without a consent screen
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error = '', email = '') {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập (demo)</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:4rem auto}label{display:block;margin:.8rem 0 .2rem}
input{width:100%;padding:.5rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.5rem;font-size:1rem}
.error{color:#b00020}</style></head><body>
<h1>Đăng nhập</h1><p>Nhà cung cấp OpenID Connect cục bộ để thử đăng nhập (tài khoản minh họa).</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="email">Thư điện tử</label><input id="email" name="email" type="email" value="${escape(email)}" required autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" required>
<button type="submit">Đăng nhập</button></form></body></html>`;
}

async function formBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 10000) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const provider = new Provider(ISSUER, configuration);

// the sign-in form: GET shows it, POST checks the password and finishes the interaction
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  ctx.set('cache-control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name !== 'login') {
    // consent is granted by loadExistingGrant; anything else finishes with what is there
    return provider.interactionFinished(ctx.req, ctx.res, {}, { mergeWithLastSubmission: true });
  }
  if (ctx.method === 'GET' && !match[2]) {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid);
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const form = await formBody(ctx.req);
    const email = (form.get('email') || '').trim().toLowerCase();
    const user = USERS[email];
    if (!user || user.password !== form.get('password')) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = loginPage(details.uid, 'Thư điện tử hoặc mật khẩu không đúng.', email);
      return undefined;
    }
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: email } },
      { mergeWithLastSubmission: false });
  }
  return next();
});

provider.listen(PORT, HOST, () => {
  console.log(`oidc provider listening on ${ISSUER} (metadata: ${ISSUER}/.well-known/openid-configuration)`);
});
