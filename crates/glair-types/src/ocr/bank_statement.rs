//! Bank statements: O13 `POST /ocr/v1/bank-statement` (medium evidence: Go SDK, docs, newer
//! Node SDK). `total_transaction` (Go) and `total_transactions` (newer Node SDK) both decode.
//! The transactions are taken to be `read.transactions`, as the Go SDK nests them.

use super::envelope::OcrResult;
use super::lenient::{Amount, ocr_read};

/// A bank statement read.
pub type BankStatementOcr = OcrResult<BankStatementRead>;

ocr_read! {
    /// The fields of a bank statement.
    pub struct BankStatementRead {
        /// Bank name.
        bank_name: String,
        /// Product name.
        product_name: String,
        /// Account number.
        account_number: String,
        /// Account holder.
        account_name: String,
        /// Currency.
        currency: String,
        /// Start of the period.
        start_period: String,
        /// End of the period.
        end_period: String,
        /// Opening balance.
        beginning_balance: Amount,
        /// Total debits.
        total_debit_transaction: Amount,
        /// Total credits.
        total_credit_transaction: Amount,
        /// Number of transactions (`total_transactions` accepted).
        #[serde(alias = "total_transactions")]
        total_transaction: Amount,
    }
    and {
        /// The transactions.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transactions: Option<Vec<BankTransaction>>,
    }
}

ocr_read! {
    /// One transaction. (Its field objects carry `polygon_text` instead of `polygon`; that key
    /// stays in the raw JSON.)
    pub struct BankTransaction {
        /// Posting date.
        posting_date: String,
        /// Posting time.
        posting_time: String,
        /// Effective date.
        effective_date: String,
        /// Effective time.
        effective_time: String,
        /// Description.
        description: String,
        /// Debit.
        debit_transaction: Amount,
        /// Credit.
        credit_transaction: Amount,
        /// Signed amount.
        signed_amount: Amount,
        /// Mutation amount (newer Node SDK only).
        mutation_amount: Amount,
    }
}
