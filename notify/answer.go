package notify

// FieldAnswerURL is the Item.Fields key of an obligation's answer link (a
// string: <http.public_url>/ack/<token>), through which the person tells
// the office that it is done, that they registered, or that it does not
// apply to them. A job sets it only on the notice to the person the item is
// about; the message shows it only to them (message.View.Answerable).
const FieldAnswerURL = "answer_url"
