// The browser wallet (EIP-1193, as MetaMask injects it at window.ethereum): accounts,
// networks, Sign-In with Ethereum messages and USDC transfers. Call data is built here,
// so nothing but the wallet itself is trusted with the transaction.
import { toChecksumAddress, toHex } from "./keccak.js";

/** Networks a wallet may not know yet, as wallet_addEthereumChain wants them. */
export const ADDABLE_CHAINS = {
  137: {
    chainId: "0x89",
    chainName: "Polygon",
    nativeCurrency: { name: "POL", symbol: "POL", decimals: 18 },
    rpcUrls: ["https://polygon-rpc.com"],
    blockExplorerUrls: ["https://polygonscan.com"],
  },
  80002: {
    chainId: "0x13882",
    chainName: "Polygon Amoy",
    nativeCurrency: { name: "POL", symbol: "POL", decimals: 18 },
    rpcUrls: ["https://rpc-amoy.polygon.technology"],
    blockExplorerUrls: ["https://amoy.polygonscan.com"],
  },
};

export const CHAIN_NAMES = { 1: "Ethereum", 137: "Polygon", 11155111: "Sepolia", 80002: "Polygon Amoy" };

export function chainName(id) {
  return CHAIN_NAMES[id] || `chain ${id}`;
}

/** The injected EIP-1193 provider, or null when the browser has no wallet. */
export function wallet() {
  const p = window.ethereum;
  return p && typeof p.request === "function" ? p : null;
}

/** A readable error from a wallet's EIP-1193 error object. */
export function walletError(e) {
  if (e && e.code === 4001) return new Error("You declined the request in your wallet.");
  if (e && e.code === -32002) return new Error("Your wallet already has a request open; finish it there first.");
  return new Error(`Wallet: ${(e && e.message) || String(e)}`);
}

async function call(method, params) {
  const p = wallet();
  if (!p) throw new Error("No browser wallet found. Install MetaMask (or another EIP-1193 wallet) and reload.");
  try {
    return await p.request(params === undefined ? { method } : { method, params });
  } catch (e) {
    throw walletError(e);
  }
}

/** Asks the wallet for its accounts (MetaMask shows its connect prompt); returns the first, checksummed. */
export async function connect() {
  const accounts = await call("eth_requestAccounts");
  if (!accounts || !accounts.length) throw new Error("The wallet shared no account.");
  return toChecksumAddress(accounts[0]);
}

/** Accounts already shared with this site, without a prompt. */
export async function accounts() {
  const list = (await call("eth_accounts")) || [];
  return list.map(toChecksumAddress);
}

export async function chainId() {
  return parseInt(await call("eth_chainId"), 16);
}

/** Switches the wallet to `id`; adds Polygon or Amoy first when the wallet does not know them (4902). */
export async function switchChain(id) {
  const p = wallet();
  if (!p) throw new Error("No browser wallet found.");
  if ((await chainId()) === Number(id)) return;
  const hex = `0x${Number(id).toString(16)}`;
  try {
    await p.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hex }] });
  } catch (e) {
    const unknown = e && (e.code === 4902 || (e.data && e.data.originalError && e.data.originalError.code === 4902));
    if (!unknown) throw walletError(e);
    const params = ADDABLE_CHAINS[id];
    if (!params) throw new Error(`Your wallet does not know chain ${id}; add that network in the wallet first.`);
    await call("wallet_addEthereumChain", [params]);
  }
  const now = await chainId();
  if (now !== Number(id)) throw new Error(`The wallet is still on ${chainName(now)}; switch to ${chainName(id)} there.`);
}

/** The EIP-4361 message exactly as the server parses it (see POST /auth/siwe/nonce). */
export function siweMessage({ scheme, domain, address, statement, uri, chainId: chain, nonce, issuedAt, expirationTime }) {
  const lines = [
    `${scheme}://${domain} wants you to sign in with your Ethereum account:`,
    toChecksumAddress(address),
    "",
  ];
  if (statement) lines.push(statement, "");
  lines.push(`URI: ${uri}`, "Version: 1", `Chain ID: ${chain}`, `Nonce: ${nonce}`, `Issued At: ${issuedAt}`);
  if (expirationTime) lines.push(`Expiration Time: ${expirationTime}`);
  return lines.join("\n");
}

/** EIP-191 personal_sign of a text message by `address`. */
export async function personalSign(message, address) {
  const hex = `0x${toHex(new TextEncoder().encode(message))}`;
  return call("personal_sign", [hex, address]);
}

function word(hexOrBigInt) {
  const hex = typeof hexOrBigInt === "bigint" ? hexOrBigInt.toString(16) : String(hexOrBigInt).toLowerCase().replace(/^0x/, "");
  if (hex.length > 64) throw new Error("value does not fit in 32 bytes");
  return hex.padStart(64, "0");
}

/** ERC-20 transfer(to, amount) call data: selector 0xa9059cbb, then two 32-byte words. */
export function transferData(to, amount) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(to)) throw new Error(`not an address: ${to}`);
  if (typeof amount !== "bigint" || amount <= 0n) throw new Error("amount must be positive");
  return `0xa9059cbb${word(to)}${word(amount)}`;
}

/** ERC-20 balanceOf(owner) through the wallet's node, in the token's smallest unit. */
export async function tokenBalance(token, owner) {
  const result = await call("eth_call", [{ to: token, data: `0x70a08231${word(owner)}` }, "latest"]);
  return !result || result === "0x" ? 0n : BigInt(result);
}

/** Sends `amount` (smallest unit) of `token` from `from` to `to`; returns the transaction hash. */
export async function sendTransfer({ from, token, to, amount }) {
  return call("eth_sendTransaction", [{ from, to: token, data: transferData(to, amount), value: "0x0" }]);
}

/** Subscribes to account and network changes; returns an unsubscribe function. */
export function onWalletChange(f) {
  const p = wallet();
  if (!p || typeof p.on !== "function") return () => {};
  p.on("accountsChanged", f);
  p.on("chainChanged", f);
  return () => {
    if (typeof p.removeListener === "function") {
      p.removeListener("accountsChanged", f);
      p.removeListener("chainChanged", f);
    }
  };
}
