"""Stand-ins for Alipay's and WeChat Pay's servers on 127.0.0.1. Each checks OUR request
signatures with our public key and signs its answers with the "provider" private key, so
the adapters run their real crypto end to end. The signing here is written independently of
the adapters on purpose: a shared mistake would otherwise pass unnoticed."""

import base64
import json
import secrets
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHINA_TIME = timezone(timedelta(hours=8))


def sign(private_key, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def signature_is_valid(public_key, message: bytes, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        provider = self.server.provider
        if provider.fail_with_status:
            self._answer(provider.fail_with_status, b"<html>bad gateway</html>", {})
            return
        status, answer, headers = provider.handle(method, self.path, dict(self.headers), body)
        self._answer(status, answer, headers)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")


class FakeProvider:
    def __init__(self):
        self.received: list[dict] = []
        self.fail_with_status = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.provider = self
        # A short poll keeps shutdown (once per test) from waiting half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- Alipay -----------------------------------------------------------------------------


def alipay_request_is_signed(params: dict[str, str], app_public_key) -> bool:
    """Alipay's rule for requests: every non-empty parameter but sign, sorted, k=v&..."""
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v != "")
    return signature_is_valid(app_public_key, content.encode(), params.get("sign", ""))


def alipay_notification(alipay_private_key, **fields: str) -> bytes:
    """A form-encoded notification as Alipay posts it, signed over every field (empty ones
    too) but sign and sign_type."""
    now = datetime.now(CHINA_TIME)
    params = {
        "notify_time": now.strftime("%Y-%m-%d %H:%M:%S"),
        "notify_type": "trade_status_sync",
        "notify_id": secrets.token_hex(16),
        "charset": "utf-8",
        "version": "1.0",
        "sign_type": "RSA2",
        "app_id": "2021000000000001",
        "trade_no": "2024061122001400001234567890",
        "out_trade_no": "HG20240611000123",
        "out_biz_no": "",
        "buyer_logon_id": "159****1234",
        "total_amount": "459.00",
        "receipt_amount": "459.00",
        "trade_status": "TRADE_SUCCESS",
        "subject": "亚麻床品四件套",
        "gmt_payment": now.strftime("%Y-%m-%d %H:%M:%S"),
    }
    params.update(fields)
    content = "&".join(
        f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign", "sign_type")
    )
    params["sign"] = sign(alipay_private_key, content.encode())
    return urllib.parse.urlencode(params).encode()


class FakeAlipay(FakeProvider):
    """Alipay's gateway: alipay.trade.query and alipay.trade.refund over form POSTs."""

    def __init__(self, *, app_id: str, app_public_key, alipay_private_key):
        super().__init__()
        self.app_id = app_id
        self.app_public_key = app_public_key
        self.answer_key = alipay_private_key  # tests swap in another key to forge answers
        self.trades: dict[str, dict] = {}

    def handle(self, method, path, headers, body):
        params = dict(urllib.parse.parse_qsl(body.decode()))
        self.received.append({"path": path, "params": params})
        api = params.get("method", "")
        node_name = api.replace(".", "_") + "_response"
        if params.get("app_id") != self.app_id or not alipay_request_is_signed(
            params, self.app_public_key
        ):
            # The real gateway cannot sign for an app whose signature it could not check.
            node = {
                "code": "40002",
                "msg": "Invalid Arguments",
                "sub_code": "isv.invalid-signature",
                "sub_msg": "验签出错",
            }
            return 200, json.dumps({node_name: node}).encode(), self._json_headers()
        biz = json.loads(params["biz_content"])
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            node = {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "ACQ.TRADE_NOT_EXIST",
                "sub_msg": "交易不存在",
            }
        elif api == "alipay.trade.query":
            node = {"code": "10000", "msg": "Success", **trade}
        elif api == "alipay.trade.refund":
            node = {
                "code": "10000",
                "msg": "Success",
                "trade_no": trade["trade_no"],
                "out_trade_no": trade["out_trade_no"],
                "fund_change": "Y",
                "refund_fee": biz["refund_amount"],
            }
        else:
            node = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.UNKNOWN"}
        # Spaced, unescaped JSON: a client that re-serialises instead of verifying the raw
        # text would fail here, as it would against the real gateway.
        node_text = json.dumps(node, ensure_ascii=False)
        signature = sign(self.answer_key, node_text.encode())
        document = f'{{"{node_name}": {node_text}, "sign": "{signature}"}}'
        return 200, document.encode(), self._json_headers()

    @staticmethod
    def _json_headers():
        return {"Content-Type": "application/json;charset=utf-8"}


# --- WeChat Pay -------------------------------------------------------------------------


def wechat_signature_headers(
    platform_private_key, body: bytes, *, serial: str, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(16)
    message = f"{stamp}\n{nonce}\n".encode() + body + b"\n"
    return {
        "Wechatpay-Timestamp": stamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": sign(platform_private_key, message),
        "Wechatpay-Serial": serial,
    }


def wechat_notification_body(api_v3_key: bytes, transaction: dict) -> bytes:
    """The JSON WeChat posts: the transaction encrypted with AEAD_AES_256_GCM."""
    nonce = secrets.token_hex(6)  # WeChat uses 12-character nonces
    associated_data = "transaction"
    ciphertext = AESGCM(api_v3_key).encrypt(
        nonce.encode(), json.dumps(transaction).encode(), associated_data.encode()
    )
    envelope = {
        "id": "EV-2018022511223320873",
        "create_time": "2024-06-11T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data,
            "nonce": nonce,
        },
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def wechat_transaction(**fields) -> dict:
    transaction = {
        "mchid": "1900000109",
        "appid": "wxd678efh567hg6787",
        "out_trade_no": "HG20240611000123",
        "transaction_id": "4200000000202406111234567890",
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": "2024-06-11T13:29:35+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": 45900, "payer_total": 45900, "currency": "CNY"},
    }
    transaction.update(fields)
    return transaction


class FakeWechatPay(FakeProvider):
    """WeChat Pay API v3: Native and H5 orders, query by out_trade_no, refunds."""

    def __init__(
        self, *, mch_id: str, cert_serial_no: str, merchant_public_key, platform_private_key
    ):
        super().__init__()
        self.mch_id = mch_id
        self.cert_serial_no = cert_serial_no
        self.merchant_public_key = merchant_public_key
        self.answer_key = platform_private_key  # tests swap in another key to forge answers
        self.answer_serial = "PUB_KEY_ID_0114232134912410000000000000"
        self.orders: dict[str, dict] = {}

    def _request_is_signed(self, method, path, headers, body) -> bool:
        scheme, _, fields = headers.get("Authorization", "").partition(" ")
        values = {
            key.strip(): value.strip('"')
            for key, _, value in (part.partition("=") for part in fields.split(","))
        }
        if scheme != "WECHATPAY2-SHA256-RSA2048":
            return False
        if values.get("mchid") != self.mch_id or values.get("serial_no") != self.cert_serial_no:
            return False
        if abs(time.time() - int(values.get("timestamp") or 0)) > 300:
            return False
        message = f"{method}\n{path}\n{values['timestamp']}\n{values['nonce_str']}\n".encode()
        return signature_is_valid(
            self.merchant_public_key, message + body + b"\n", values.get("signature", "")
        )

    def handle(self, method, path, headers, body):
        payload = json.loads(body) if body else None
        self.received.append({"method": method, "path": path, "json": payload})
        if not self._request_is_signed(method, path, headers, body):
            # WeChat cannot sign an answer to a request whose signature it could not check.
            answer = {"code": "SIGN_ERROR", "message": "签名错误"}
            return 401, json.dumps(answer).encode(), {"Content-Type": "application/json"}
        split = urllib.parse.urlsplit(path)
        if method == "POST" and split.path == "/v3/pay/transactions/native":
            status, answer = 200, {"code_url": "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}
        elif method == "POST" and split.path == "/v3/pay/transactions/h5":
            status, answer = (
                200,
                {
                    "h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb"
                    "?prepay_id=wx2916263004719461949c84457c735b0000&package=2150917749"
                },
            )
        elif method == "GET" and split.path.startswith("/v3/pay/transactions/out-trade-no/"):
            number = urllib.parse.unquote(split.path.rsplit("/", 1)[1])
            order = self.orders.get(number)
            if order is None or urllib.parse.parse_qs(split.query).get("mchid") != [self.mch_id]:
                status, answer = 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            else:
                status, answer = 200, order
        elif method == "POST" and split.path == "/v3/refund/domestic/refunds":
            status, answer = (
                200,
                {
                    "refund_id": "50000000382019052709732678859",
                    "out_refund_no": payload["out_refund_no"],
                    "transaction_id": "4200000000202406111234567890",
                    "out_trade_no": payload["out_trade_no"],
                    "channel": "ORIGINAL",
                    "status": "PROCESSING",
                    "amount": {
                        "refund": payload["amount"]["refund"],
                        "total": payload["amount"]["total"],
                        "currency": "CNY",
                    },
                },
            )
        else:
            status, answer = 404, {"code": "NOT_FOUND", "message": "no such API"}
        answer_body = json.dumps(answer, ensure_ascii=False).encode()
        headers = wechat_signature_headers(self.answer_key, answer_body, serial=self.answer_serial)
        headers["Content-Type"] = "application/json"
        return status, answer_body, headers
