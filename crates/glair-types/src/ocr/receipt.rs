//! Receipts: O12 `POST /ocr/v1/receipt` (Go SDK's current struct, the docs; the Java SDK's live
//! test asserts `merchant_name`, `receipt_date`, `receipt_time` and `total_amount`).

use super::envelope::OcrResult;
use super::lenient::{Amount, ocr_read};

/// A receipt read.
pub type ReceiptOcr = OcrResult<ReceiptRead>;

ocr_read! {
    /// The fields of a receipt.
    pub struct ReceiptRead {
        /// Merchant name.
        merchant_name: String,
        /// Merchant address.
        merchant_address: String,
        /// Merchant place.
        merchant_place: String,
        /// Merchant phone number.
        merchant_phone_number: String,
        /// Receipt date.
        receipt_date: String,
        /// Receipt time.
        receipt_time: String,
        /// Receipt number.
        receipt_number: String,
        /// Order reference.
        receipt_order: String,
        /// Currency.
        currency: String,
        /// Payment method.
        payment_method: String,
        /// Payment product.
        payment_product: String,
        /// Last four digits of the card.
        cc_last_4_digit: String,
        /// Subtotal.
        sub_total_amount: Amount,
        /// Tax.
        tax_amount: Amount,
        /// Discount.
        discount_amount: Amount,
        /// Service charge.
        service_charge_amount: Amount,
        /// Tip.
        tip_amount: Amount,
        /// Total.
        total_amount: Amount,
    }
    and {
        /// Line items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<ReceiptItem>>,
    }
}

ocr_read! {
    /// A line item of a receipt.
    pub struct ReceiptItem {
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
