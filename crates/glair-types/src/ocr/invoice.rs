//! Invoices: O11 `POST /ocr/v1/invoice`, in the current contract (Go SDK since 2024, the docs'
//! current list; the Java SDK's live test asserts `invoice_number`, `invoice_date`,
//! `vendor_name` and `invoice_total`). Amounts are [`Amount`]s: numbers in the Go SDK, text in
//! some docs.

use super::envelope::OcrResult;
use super::lenient::{Amount, ocr_read};

/// An invoice read.
pub type InvoiceOcr = OcrResult<InvoiceRead>;

ocr_read! {
    /// The fields of an invoice.
    pub struct InvoiceRead {
        /// Invoice number.
        invoice_number: String,
        /// Invoice date.
        invoice_date: String,
        /// Vendor name.
        vendor_name: String,
        /// Vendor address.
        vendor_address: String,
        /// Vendor tax id.
        vendor_tax_id: String,
        /// Customer name.
        customer_name: String,
        /// Customer address.
        customer_address: String,
        /// Customer tax id.
        customer_tax_id: String,
        /// Sender name.
        sender_name: String,
        /// Currency.
        currency: String,
        /// Purchase order number.
        purchase_order_number: String,
        /// VAT.
        vat_tax: Amount,
        /// Income tax.
        income_tax: Amount,
        /// Total tax.
        invoice_total_tax: Amount,
        /// Total.
        invoice_total: Amount,
        /// Subtotal.
        invoice_sub_total: Amount,
        /// Discount.
        invoice_discount: Amount,
        /// Down payment.
        down_payment: Amount,
        /// Voucher.
        voucher: Amount,
    }
    and {
        /// Bank accounts to pay into.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payment_banks: Option<Vec<InvoicePaymentBank>>,
        /// Line items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<InvoiceItem>>,
    }
}

ocr_read! {
    /// A bank account on an invoice.
    pub struct InvoicePaymentBank {
        /// Bank name.
        payment_bank_name: String,
        /// Account number.
        payment_account_number: String,
        /// Account holder.
        payment_account_name: String,
    }
}

ocr_read! {
    /// A line item of an invoice.
    pub struct InvoiceItem {
        /// Item name.
        item_name: String,
        /// Quantity.
        item_quantity: Amount,
        /// Unit of the quantity.
        item_quantity_unit: String,
        /// Price of one.
        item_each_price: Amount,
        /// Price of the line.
        item_total_price: Amount,
        /// Product code.
        item_product_code: String,
    }
}
