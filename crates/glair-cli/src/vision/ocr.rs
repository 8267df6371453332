//! `glair ocr …`: one subcommand per OCR document, all run by one generic function.

use clap::{Args, Subcommand};
use glair::ocr::{OcrDocument, OcrRequest, doc};

use super::{ImageArg, Judged, read_image_for, send};
use crate::cli::Globals;
use crate::run::{Failure, Success};

/// Read a document. Each prints GLAIR's answer with "verdict": "read" or "not_read".
#[derive(Debug, Subcommand)]
pub(crate) enum OcrCommand {
    /// KTP, the Indonesian identity card (JPEG or PNG)
    Ktp(KtpArgs),
    /// NPWP, the tax card (JPEG, PNG, PDF or TIFF)
    Npwp(ImageArg),
    /// KK, the family card (JPEG or PNG)
    Kk(ImageArg),
    /// STNK, the vehicle registration (JPEG or PNG)
    Stnk(ImageArg),
    /// BPKB, the vehicle ownership book (JPEG, PNG, PDF or TIFF)
    Bpkb(BpkbArgs),
    /// Passport (JPEG or PNG)
    Passport(ImageArg),
    /// Licence plate (JPEG or PNG)
    Plate(ImageArg),
    /// SIM, the driving licence (JPEG or PNG)
    Sim(ImageArg),
    /// Any document (JPEG, PNG, PDF or TIFF)
    GeneralDocument(GeneralDocumentArgs),
    /// Invoice (JPEG, PNG or PDF)
    Invoice(ImageArg),
    /// Receipt (JPEG, PNG or PDF)
    Receipt(ImageArg),
    /// Bank statement (JPEG, PNG or PDF)
    BankStatement(ImageArg),
    /// SKPR (JPEG, PNG or PDF)
    Skpr(ImageArg),
    /// Singapore NRIC (JPEG or PNG)
    SingaporeNric(ImageArg),
    /// Singapore family pass (JPEG or PNG)
    SingaporeFamilyPass(ImageArg),
    /// Singapore work permit (JPEG or PNG)
    SingaporeWorkPermit(ImageArg),
    /// KITAS/KITAP, the stay permits (JPEG or PNG; beta at GLAIR)
    KitasKitap(ImageArg),
    /// Financial statement (JPEG, PNG or PDF)
    FinancialStatement(ImageArg),
}

/// `ocr ktp`.
#[derive(Debug, Args)]
pub(crate) struct KtpArgs {
    #[command(flatten)]
    image: ImageArg,
    /// Also run GLAIR's image-quality checks (POST /ocr/v1/ktp/qualities): the answer's
    /// "qualities" say whether it is a KTP, a photocopy, blurred, …; a picture that is not a
    /// KTP is then "not_read"
    #[arg(long)]
    qualities: bool,
}

/// `ocr bpkb`.
#[derive(Debug, Args)]
pub(crate) struct BpkbArgs {
    #[command(flatten)]
    image: ImageArg,
    /// Read only this page, 1 to 4 [default: every page]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    page: Option<u8>,
}

/// `ocr general-document`.
#[derive(Debug, Args)]
pub(crate) struct GeneralDocumentArgs {
    #[command(flatten)]
    image: ImageArg,
    /// Also return the tables found ("read"."tables")
    #[arg(long)]
    table: bool,
}

impl OcrCommand {
    /// Runs the command.
    pub(crate) async fn run(self, globals: &Globals) -> Result<Success, Failure> {
        match self {
            Self::Ktp(KtpArgs {
                image,
                qualities: false,
            }) => read::<doc::Ktp>(globals, &image, same).await,
            Self::Ktp(KtpArgs {
                image,
                qualities: true,
            }) => read::<doc::KtpWithQualities>(globals, &image, same).await,
            Self::Npwp(image) => read::<doc::Npwp>(globals, &image, same).await,
            Self::Kk(image) => read::<doc::Kk>(globals, &image, same).await,
            Self::Stnk(image) => read::<doc::Stnk>(globals, &image, same).await,
            Self::Bpkb(BpkbArgs { image, page }) => {
                read::<doc::Bpkb>(globals, &image, |request| match page {
                    Some(page) => request.page(page),
                    None => request,
                })
                .await
            }
            Self::Passport(image) => read::<doc::Passport>(globals, &image, same).await,
            Self::Plate(image) => read::<doc::Plate>(globals, &image, same).await,
            Self::Sim(image) => read::<doc::Sim>(globals, &image, same).await,
            Self::GeneralDocument(GeneralDocumentArgs { image, table }) => {
                // --table sends `table=true`; without it nothing is sent (GLAIR's default).
                read::<doc::GeneralDocument>(globals, &image, |request| {
                    if table { request.table(true) } else { request }
                })
                .await
            }
            Self::Invoice(image) => read::<doc::Invoice>(globals, &image, same).await,
            Self::Receipt(image) => read::<doc::Receipt>(globals, &image, same).await,
            Self::BankStatement(image) => read::<doc::BankStatement>(globals, &image, same).await,
            Self::Skpr(image) => read::<doc::Skpr>(globals, &image, same).await,
            Self::SingaporeNric(image) => read::<doc::SingaporeNric>(globals, &image, same).await,
            Self::SingaporeFamilyPass(image) => {
                read::<doc::SingaporeFamilyPass>(globals, &image, same).await
            }
            Self::SingaporeWorkPermit(image) => {
                read::<doc::SingaporeWorkPermit>(globals, &image, same).await
            }
            Self::KitasKitap(image) => read::<doc::KitasKitap>(globals, &image, same).await,
            Self::FinancialStatement(image) => {
                read::<doc::FinancialStatement>(globals, &image, same).await
            }
        }
    }
}

/// No options.
fn same<D: OcrDocument>(request: OcrRequest<D>) -> OcrRequest<D> {
    request
}

/// Reads a document of type `D`: the image checked for the document's endpoint, `options`
/// applied, the request checked, then sent.
async fn read<D>(
    globals: &Globals,
    image: &ImageArg,
    options: impl FnOnce(OcrRequest<D>) -> OcrRequest<D>,
) -> Result<Success, Failure>
where
    D: OcrDocument,
    D::Response: Judged,
{
    let input = read_image_for("--image", &image.image, D::ENDPOINT, "image")?;
    let request = options(OcrRequest::<D>::new(input));
    send(globals, request, |client, request| async move {
        client.ocr().read(request).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use crate::cli::Cli;

    /// One subcommand per OCR endpoint of the catalog (KTP with qualities is `ktp --qualities`),
    /// named after the endpoint's path.
    #[test]
    fn every_ocr_endpoint_has_its_subcommand() {
        let command = Cli::command();
        let ocr = command
            .find_subcommand("ocr")
            .unwrap_or_else(|| unreachable!());
        let names: Vec<&str> = ocr
            .get_subcommands()
            .map(clap::Command::get_name)
            .filter(|n| *n != "help")
            .collect();
        let expected: Vec<&str> = glair::endpoints::ALL
            .iter()
            .filter(|e| e.service == "ocr" && e.id.starts_with('O') && e.id != "O2")
            .map(|e| e.resource)
            .collect();
        assert_eq!(names, expected);
    }
}
