"""Export layouts modelled on real banks, a budget app and brokers (columns, language, formats).

``DEV`` layouts are the ones pasi was tuned on; ``HELD_OUT`` ones (other banks, languages,
date and sign conventions, an Excel file) are only measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pasi.bench.tables_data import Layout, Txn, _csv, money, when

OPENING = 2000.0


@dataclass(frozen=True)
class LayoutInfo:
    name: str
    locale: str
    write: Layout
    category: bool = False  # a category column the questions may name
    balance: bool = False
    broker: bool = False


def _balances(txns: list[Txn]) -> list[float]:
    running, out = OPENING, []
    for t in txns:
        running = round(running + t.amount, 2)
        out.append(running)
    return out


def de_sparkasse(path: Path, txns: list[Txn]) -> Path:
    rows = [["Auftragskonto", "Buchungstag", "Valutadatum", "Buchungstext", "Verwendungszweck",
             "Beguenstigter/Zahlungspflichtiger", "Kontonummer", "Betrag", "Waehrung", "Info"]]  # fmt: skip
    for t in reversed(txns):  # newest first
        kind = "GUTSCHRIFT" if t.amount > 0 else "KARTENZAHLUNG"
        rows.append(["DE44500105175407324931", when(t.day, "dmy.yy"), when(t.day, "dmy.yy"), kind,
                     t.memo, t.payee, "DE0210010010", money(t.amount, "de"), "EUR",
                     "Umsatz gebucht"])  # fmt: skip
    return _csv(path, rows, ";")


def fr_banque(path: Path, txns: list[Txn]) -> Path:
    rows = [["Date", "Libellé", "Catégorie", "Débit", "Crédit"]]
    for t in txns:
        label = f"CB {t.payee.upper()} {t.day:%d%m}" if t.amount < 0 else f"VIR {t.payee}"
        debit = money(t.amount, "fr") if t.amount < 0 else ""
        credit = money(t.amount, "fr") if t.amount > 0 else ""
        rows.append([when(t.day, "dmy/"), label, t.category, debit, credit])
    preamble = "Compte courant n° 00012345678;;;;\nSolde au 29/02/2016;;;;\n\n"
    return _csv(path, rows, ";", preamble)


def uk_bank(path: Path, txns: list[Txn]) -> Path:
    rows = [["Date", "Type", "Description", "Paid out", "Paid in", "Balance"]]
    for t, balance in zip(txns, _balances(txns), strict=True):
        out = f"£{abs(t.amount):,.2f}" if t.amount < 0 else ""
        into = f"£{t.amount:,.2f}" if t.amount > 0 else ""
        kind = "BGC" if t.amount > 0 else ("DD" if t.day.day in (1, 15) else "DEB")
        rows.append([when(t.day, "dmon"), kind, f"{t.payee.upper()} {t.memo[-4:]}", out, into,
                     f"£{balance:,.2f}"])  # fmt: skip
    return _csv(path, rows)


def us_chase(path: Path, txns: list[Txn]) -> Path:
    rows = [
        ["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"]
    ]
    pairs = list(zip(txns, _balances(txns), strict=True))
    for t, balance in reversed(pairs):
        rows.append(["CREDIT" if t.amount > 0 else "DEBIT", when(t.day, "mdy/"),
                     f"{t.payee.upper()} {t.memo[-4:]}", money(t.amount, "plain"),
                     "ACH_CREDIT" if t.amount > 0 else "DEBIT_CARD", f"{balance:.2f}", ""])  # fmt: skip
    return _csv(path, rows)


def ynab(path: Path, txns: list[Txn]) -> Path:
    rows = [["Account", "Flag", "Date", "Payee", "Category Group/Category", "Category Group",
             "Category", "Memo", "Outflow", "Inflow", "Cleared"]]  # fmt: skip
    for t in txns:
        group = "Income" if t.amount > 0 else "Everyday Expenses"
        rows.append(["Checking", "", when(t.day, "mdy/"), t.payee, f"{group}: {t.category}", group,
                     t.category, t.memo, f"${max(-t.amount, 0):,.2f}", f"${max(t.amount, 0):,.2f}",
                     "Cleared"])  # fmt: skip
    return _csv(path, rows)


def schwab(path: Path, txns: list[Txn]) -> Path:
    rows = [
        ["Date", "Action", "Symbol", "Description", "Quantity", "Price", "Fees & Comm", "Amount"]
    ]
    action = {"buy": "Buy", "sell": "Sell", "dividend": "Qualified Dividend"}
    for t in reversed(txns):
        trade = t.kind in ("buy", "sell")
        rows.append([when(t.day, "mdy/"), action[t.kind], t.payee, t.category.upper(),
                     "10" if trade else "", f"${abs(t.amount) / 10:,.2f}" if trade else "",
                     "" if not trade else "$0.00", money(t.amount, "usd")])  # fmt: skip
    preamble = '"Transactions for account Individual ...123 as of 03/01/2016"\n'
    return _csv(path, rows, ",", preamble)


# -- held out -------------------------------------------------------------------------------------


def de_dkb(path: Path, txns: list[Txn]) -> Path:
    rows = [["Buchungsdatum", "Wertstellung", "Status", "Zahlungspflichtige*r",
             "Zahlungsempfänger*in", "Verwendungszweck", "Umsatztyp", "IBAN", "Betrag (€)"]]  # fmt: skip
    for t in reversed(txns):
        payer, payee = (t.payee, "Max Muster") if t.amount > 0 else ("Max Muster", t.payee)
        rows.append([when(t.day, "dmy.yy"), when(t.day, "dmy.yy"), "Gebucht", payer, payee, t.memo,
                     "Eingang" if t.amount > 0 else "Ausgang", "DE02120300000000202051",
                     money(t.amount, "de")])  # fmt: skip
    preamble = '"Konto";"Girokonto DE02120300000000202051"\n""\n"Kontostand vom 29.02.2016:";"1.234,56 €"\n""\n'
    text = "\n".join(";".join(f'"{c}"' for c in row) for row in rows)
    path.write_text(preamble + text + "\n", encoding="utf-8")
    return path


def nl_ing(path: Path, txns: list[Txn]) -> Path:
    rows = [["Datum", "Naam / Omschrijving", "Rekening", "Tegenrekening", "Code", "Af Bij",
             "Bedrag (EUR)", "Mutatiesoort", "Mededelingen"]]  # fmt: skip
    for t in reversed(txns):
        rows.append([when(t.day, "compact"), t.payee, "NL20INGB0001234567", "", "BA",
                     "Bij" if t.amount > 0 else "Af", f"{abs(t.amount):.2f}".replace(".", ","),
                     "Betaalautomaat", t.memo])  # fmt: skip
    return _csv(path, rows, ",")


def au_crdr(path: Path, txns: list[Txn]) -> Path:
    rows = [["Date", "Transaction Details", "Amount", "Balance"]]
    for t, balance in zip(txns, _balances(txns), strict=True):
        mark = "CR" if t.amount > 0 else "DR"
        rows.append([when(t.day, "dmy/"), f"{t.payee} {t.memo[-4:]}",
                     f"{abs(t.amount):,.2f} {mark}", f"{balance:,.2f} CR"])  # fmt: skip
    return _csv(path, rows)


def capital_one(path: Path, txns: list[Txn]) -> Path:
    rows = [["Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit",
             "Credit"]]  # fmt: skip
    for t in reversed(txns):
        debit = f"{-t.amount:.2f}" if t.amount < 0 else ""
        credit = f"{t.amount:.2f}" if t.amount > 0 else ""
        rows.append([when(t.day, "iso"), when(t.day, "iso"), "4321", t.payee.upper(), t.category,
                     debit, credit])  # fmt: skip
    return _csv(path, rows)


def money_manager_xlsx(path: Path, txns: list[Txn]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Transactions"
    sheet.append(["Date", "Account", "Category", "Note", "Amount", "Income/Expense", "Currency"])
    for t in txns:
        sheet.append([t.day, "Cash", t.category, f"{t.payee} - {t.memo}", abs(t.amount),
                      "Income" if t.amount > 0 else "Expense", "EUR"])  # fmt: skip
    path = path.with_suffix(".xlsx")
    book.save(path)
    return path


def broker_de(path: Path, txns: list[Txn]) -> Path:
    rows = [["Datum", "Typ", "Wertpapier", "Symbol", "Stück", "Kurs", "Betrag"]]
    kind = {"buy": "Kauf", "sell": "Verkauf", "dividend": "Dividende"}
    for t in txns:
        trade = t.kind in ("buy", "sell")
        rows.append([when(t.day, "dmy."), kind[t.kind], t.category, t.payee,
                     "10" if trade else "", money(abs(t.amount) / 10, "de") if trade else "",
                     money(t.amount, "trail")])  # fmt: skip
    return _csv(path, rows, ";")


# -- fresh: written after the held-out split had been run once (docs/benchmarks.md) ------------


def revolut(path: Path, txns: list[Txn]) -> Path:
    rows = [["Type", "Product", "Started Date", "Completed Date", "Description", "Amount", "Fee",
             "Currency", "State", "Balance"]]  # fmt: skip
    for t, balance in zip(txns, _balances(txns), strict=True):
        stamp = f"{t.day.isoformat()} 10:{t.day.day:02d}:07"
        rows.append(["TOPUP" if t.amount > 0 else "CARD_PAYMENT", "Current", stamp, stamp,
                     t.payee, f"{t.amount:.2f}", "0.00", "EUR", "COMPLETED", f"{balance:.2f}"])  # fmt: skip
    return _csv(path, rows)


def it_banca(path: Path, txns: list[Txn]) -> Path:
    rows = [["Data contabile", "Data valuta", "Descrizione operazione", "Uscite", "Entrate",
             "Divisa"]]  # fmt: skip
    for t in reversed(txns):
        out = money(-t.amount, "de") if t.amount < 0 else ""
        into = money(t.amount, "de") if t.amount > 0 else ""
        rows.append([when(t.day, "dmy/"), when(t.day, "dmy/"), f"PAGAMENTO {t.payee}", out, into,
                     "EUR"])  # fmt: skip
    return _csv(path, rows, ";")


def monzo(path: Path, txns: list[Txn]) -> Path:
    rows = [["Transaction ID", "Date", "Time", "Type", "Name", "Emoji", "Category", "Amount",
             "Currency", "Notes and #tags"]]  # fmt: skip
    for n, t in enumerate(txns):
        rows.append([f"tx_{n:06d}", when(t.day, "dmy/"), "12:00:00",
                     "Faster payment" if t.amount > 0 else "Card payment", t.payee, "",
                     t.category, f"{t.amount:.2f}", "GBP", ""])  # fmt: skip
    return _csv(path, rows)


def trading212(path: Path, txns: list[Txn]) -> Path:
    rows = [["Action", "Time", "ISIN", "Ticker", "Name", "No. of shares", "Price / share",
             "Currency (Price / share)", "Total", "Currency (Total)"]]  # fmt: skip
    action = {"buy": "Market buy", "sell": "Market sell", "dividend": "Dividend (Ordinary)"}
    for t in txns:
        trade = t.kind in ("buy", "sell")
        rows.append([action[t.kind], f"{t.day.isoformat()} 09:30:00", "US0000000000", t.payee,
                     t.category, "10" if trade else "", f"{abs(t.amount) / 10:.2f}" if trade
                     else "", "USD", f"{abs(t.amount):.2f}", "EUR"])  # fmt: skip
    return _csv(path, rows)


DEV = [
    LayoutInfo("de_sparkasse", "de", de_sparkasse),
    LayoutInfo("fr_banque", "fr", fr_banque, category=True),
    LayoutInfo("uk_bank", "en", uk_bank, balance=True),
    LayoutInfo("us_chase", "en", us_chase, balance=True),
    LayoutInfo("ynab", "en", ynab, category=True),
]
DEV_BROKER = LayoutInfo("schwab", "en", schwab, broker=True)
HELD_OUT = [
    LayoutInfo("de_dkb", "de", de_dkb),
    LayoutInfo("nl_ing", "de", nl_ing),
    LayoutInfo("au_crdr", "en", au_crdr, balance=True),
    LayoutInfo("capital_one", "en", capital_one, category=True),
    LayoutInfo("money_manager_xlsx", "fr", money_manager_xlsx, category=True),
]
HELD_OUT_BROKER = LayoutInfo("broker_de", "de", broker_de, broker=True)
FRESH = [
    LayoutInfo("revolut", "en", revolut, balance=True),
    LayoutInfo("it_banca", "fr", it_banca),
    LayoutInfo("monzo", "en", monzo, category=True),
]
FRESH_BROKER = LayoutInfo("trading212", "en", trading212, broker=True)
