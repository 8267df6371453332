//! SKPR (Surat Kuasa Pendebetan Rekening, a direct-debit authorisation): O14
//! `POST /ocr/v1/skpr` (medium evidence: Go SDK, docs, newer Node SDK). The two detail blocks
//! are a single object in the Go SDK and lists in the newer Node SDK: both decode, as lists.

use super::envelope::OcrResult;
use super::lenient::{ocr_read, one_or_many};

/// An SKPR read.
pub type SkprOcr = OcrResult<SkprRead>;

ocr_read! {
    /// The fields of an SKPR.
    pub struct SkprRead {
        /// `new_request` or `change_request`.
        debit_account_request_type: String,
        /// Complete name.
        complete_name: String,
        /// Identity card number.
        id_card_number: String,
        /// Validity period.
        validity_period: String,
        /// `individual`, `business_entity` or `parent`.
        act_for: String,
        /// Position.
        position: String,
        /// Company name.
        company_name: String,
        /// Address.
        address: String,
        /// RT/RW.
        rt_rw: String,
        /// District.
        district: String,
        /// City.
        city: String,
        /// Zip code.
        zip_code: String,
        /// Province.
        province: String,
        /// Attorney-in-fact name.
        attorney_in_fact_name: String,
        /// Attorney-in-fact address.
        attorney_in_fact_address: String,
        /// Attorney-in-fact identity card number.
        attorney_in_fact_id_card_number: String,
        /// Attorney-in-fact company code.
        attorney_in_fact_company_code: String,
        /// Office phone.
        office_phone: String,
        /// Home phone.
        home_phone: String,
        /// Mobile phone 1.
        mobile_phone_number_1: String,
        /// Mobile phone 2.
        mobile_phone_number_2: String,
        /// Account number.
        account_number: String,
        /// Email address.
        email_address: String,
        /// Bank name.
        bank_name: String,
        /// Account currency.
        account_currency: String,
        /// Policy currency.
        policy_currency: String,
        /// Policy amount.
        policy_amount: String,
        /// Signing date.
        signing_date: String,
        /// Signing location.
        signing_location: String,
    }
    and {
        /// Bank accounts to debit.
        #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Option::is_none")]
        bank_account_details: Option<Vec<SkprBankAccount>>,
        /// Insurance policies paid for.
        #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Option::is_none")]
        policy_details: Option<Vec<SkprPolicy>>,
    }
}

ocr_read! {
    /// A bank account of an SKPR.
    pub struct SkprBankAccount {
        /// Account number.
        bank_account_number: String,
        /// Account holder.
        bank_account_owner_name: String,
    }
}

ocr_read! {
    /// An insurance policy of an SKPR.
    pub struct SkprPolicy {
        /// Policy number.
        policy_number: String,
        /// Policyholder.
        policyholder_name: String,
        /// Relationship with the policyholder.
        relationship_with_policyholder: String,
    }
}
