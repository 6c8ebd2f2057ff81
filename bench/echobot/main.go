// Command echobot is the floor make bench compares insidebot with: the bare echo bot of
// go-telegram-bot-api v5 (the library insidebot uses), long polling and answering each message
// with its own text, one at a time. It reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_ENDPOINT.
package main

import (
	"log"
	"os"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func main() {
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(os.Getenv("TELEGRAM_BOT_TOKEN"), os.Getenv("TELEGRAM_API_ENDPOINT"))
	if err != nil {
		log.Fatal(err)
	}
	u := tgbotapi.NewUpdate(0)
	u.Timeout = 25
	for update := range api.GetUpdatesChan(u) {
		if update.Message == nil {
			continue
		}
		if _, err := api.Send(tgbotapi.NewMessage(update.Message.Chat.ID, update.Message.Text)); err != nil {
			log.Print(err)
		}
	}
}
